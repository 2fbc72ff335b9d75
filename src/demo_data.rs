//! Demo data set: six example objectives published by la Région, one per vision of the platform, loaded into an empty database by the demo command.

/// An example objective of the demo data set.
pub struct DemoObjective {
    pub title: &'static str,
    /// Markdown, at most 3000 characters: context, the need, what is expected of proposals (open solution), constraints.
    pub need: &'static str,
    pub political_objective: &'static str,
    /// e.g. "CP-2026-03-114" (commission permanente) or "AP-2025-12-08" (assemblée plénière)
    pub deliberation_ref: &'static str,
    /// "YYYY-MM-DD", in 2025 or 2026, before 2026-11-29
    pub deliberation_date: &'static str,
    /// Theme codes among: mobilite, energie, batiment, alimentation, numerique, formation, sante, culture, biodiversite, economie
    pub themes: &'static [&'static str],
    /// One of "5", "10", "20", "20+" (years)
    pub horizon: &'static str,
    pub budget_euros: Option<i64>,
    pub place: &'static str,
    /// a generic service address, e.g. "Direction des achats — achats-ouverts@region.example"
    pub contact: &'static str,
    /// Days from now until the deadline (positive: open; the demo also shows closed ones with a negative value)
    pub deadline_days: i64,
    /// (criterion code, weight, minimum score if eliminatory). Weights sum to exactly 100; at least one code starting with "env-".
    pub criteria: &'static [(&'static str, i32, Option<i32>)],
    /// ("YYYY-MM-DD", label): milestones over the horizon, dates from 2027 to 2050
    pub milestones: &'static [(&'static str, &'static str)],
    /// Public questions and answers: (question, answer)
    pub questions: &'static [(&'static str, &'static str)],
}

pub const OBJECTIVES: &[DemoObjective] = &[
    // 1. Open purchasing (achat ouvert).
    DemoObjective {
        title: "Réduire de moitié la consommation d’énergie des lycées",
        need: "La Région est propriétaire de 118 lycées publics, soit environ 1,9 million de m² \
            chauffés. Leur consommation d’énergie atteint 310 GWh par an, dont 60 % pour le \
            chauffage, encore assuré au gaz dans la moitié des établissements. Plutôt que de \
            prescrire une technique, la Région décrit le résultat recherché et laisse les \
            entreprises proposer la manière d’y parvenir.\n\n\
            ### Ce que la Région attend\n\n\
            - Une baisse mesurée de la consommation d’énergie finale sur un premier groupe de \
            12 lycées pilotes, puis une méthode reproductible sur l’ensemble du parc.\n\
            - Un engagement de résultat chiffré, vérifiable à partir des compteurs existants \
            et des factures.\n\
            - Un accompagnement des équipes des lycées (agents de maintenance, gestionnaires, \
            élèves éco-délégués) pour que les économies durent.\n\
            - Un coût global sur 15 ans, investissement, exploitation et maintenance compris.\n\n\
            ### Ce qui est laissé ouvert\n\n\
            La nature des solutions est libre : pilotage et régulation, isolation, changement \
            d’énergie, récupération de chaleur, contrat de performance énergétique, \
            autoconsommation solaire ou toute combinaison. Les propositions peuvent porter sur \
            une partie des lycées pilotes, seules ou en groupement.\n\n\
            ### Contraintes\n\n\
            - Les travaux en site occupé se font hors temps scolaire ou sans gêne pour les cours.\n\
            - Les lycées restent sous la responsabilité de la Région ; aucun transfert de propriété.",
        political_objective: "Diviser par deux la consommation d’énergie des lycées publics d’ici 2035 par rapport à 2019, aller au-delà des obligations du dispositif Éco Énergie Tertiaire et atteindre un parc sans énergie fossile en 2050.",
        deliberation_ref: "CP-2026-03-114",
        deliberation_date: "2026-03-20",
        themes: &["energie", "batiment", "formation"],
        horizon: "10",
        budget_euros: Some(2_500_000),
        place: "12 lycées pilotes répartis sur les départements de la région, puis l’ensemble des lycées publics",
        contact: "Direction des lycées, service patrimoine — achats-ouverts@region.example",
        deadline_days: 21,
        criteria: &[
            ("env-climate", 30, Some(2)),
            ("eco-lifecycle-cost", 15, None),
            ("feasibility", 15, None),
            ("change-support", 15, None),
            ("innovation", 10, None),
            ("eco-local", 10, None),
            ("env-resources", 5, None),
        ],
        milestones: &[
            ("2027-09-01", "Premières solutions en service dans les 12 lycées pilotes"),
            ("2030-12-31", "Baisse de 30 % de la consommation des lycées pilotes, méthode étendue à 40 lycées"),
            ("2035-12-31", "Consommation de l’ensemble des lycées divisée par deux par rapport à 2019"),
        ],
        questions: &[
            (
                "Peut-on visiter les lycées pilotes avant de déposer une proposition ?",
                "Oui. Deux demi-journées de visite sont organisées dans chaque lycée pilote pendant la période de consultation ; l’inscription se fait auprès du service patrimoine à l’adresse de contact, au plus tard cinq jours avant la date limite. Les informations données pendant les visites sont reprises ici, dans les questions publiques, pour que tous les candidats disposent des mêmes éléments.",
            ),
            (
                "Quelles données de consommation sont mises à disposition ?",
                "Les consommations mensuelles de gaz, de chaleur urbaine et d’électricité de 2019 à 2025 de chaque lycée pilote, les plans des bâtiments, la liste des équipements de chauffage et de ventilation, et les derniers audits énergétiques quand ils existent. Ces fichiers sont publiés en données ouvertes (CSV) avec l’objectif. Les courbes de charge électriques au pas de 10 minutes sont fournies sur demande.",
            ),
        ],
    },
    // 2. Change support (accompagner le changement).
    DemoObjective {
        title: "Accompagner les agents et les usagers des bâtiments régionaux vers des pratiques bas carbone",
        need: "La Région équipe ses bâtiments de nouveaux matériels : pompes à chaleur, \
            régulation connectée, bornes de recharge, tri des biodéchets. L’expérience montre \
            qu’un équipement mal compris est mal utilisé : consignes de chauffage contournées, \
            fenêtres ouvertes en hiver, bornes inoccupées. La Région cherche donc un \
            accompagnement des 4 500 agents et des usagers de ses sites (sièges, antennes \
            territoriales, lycées) pour qu’ils s’approprient ces équipements et adoptent des \
            pratiques sobres.\n\n\
            ### Ce que la Région attend\n\n\
            - Des actions de formation et de sensibilisation adaptées aux métiers : agents \
            d’entretien, gestionnaires de site, personnels administratifs, élèves.\n\
            - Des relais formés sur chaque site, capables de prendre le relais après le marché.\n\
            - Des supports en langage clair, accessibles aux personnes en situation de handicap.\n\
            - Une mesure des effets : pratiques observées, consommation, satisfaction des \
            usagers.\n\n\
            ### Ce qui est laissé ouvert\n\n\
            Les formats sont libres : ateliers, défis entre sites, formation en situation de \
            travail, outils numériques, théâtre-forum, accompagnement individuel. Les \
            propositions peuvent combiner plusieurs approches et plusieurs partenaires, par \
            exemple une structure de l’économie sociale et solidaire et un organisme de formation.\n\n\
            ### Contraintes\n\n\
            - Les actions se déroulent sur le temps de travail, sans perturber le service.\n\
            - Aucune donnée personnelle sur les comportements individuels n’est collectée.",
        political_objective: "Faire de chaque agent et de chaque usager des bâtiments régionaux un acteur de la transition, afin que les équipements bas carbone achetés par la Région donnent les économies attendues.",
        deliberation_ref: "AP-2025-12-08",
        deliberation_date: "2025-12-12",
        themes: &["formation", "batiment", "energie"],
        horizon: "5",
        budget_euros: Some(450_000),
        place: "Sièges, antennes territoriales et lycées de la Région",
        contact: "Direction de la transition écologique — achats-ouverts@region.example",
        deadline_days: 35,
        criteria: &[
            ("change-support", 35, Some(3)),
            ("env-climate", 20, None),
            ("feasibility", 15, None),
            ("soc-inclusion", 10, None),
            ("soc-accessibility", 10, None),
            ("eco-sme-ess", 10, None),
        ],
        milestones: &[
            ("2027-06-30", "Un relais formé dans chaque site régional"),
            ("2028-12-31", "Première évaluation publique des pratiques et des consommations"),
            ("2030-12-31", "Relais autonomes sur tous les sites, fin de l’accompagnement externe"),
        ],
        questions: &[
            (
                "Le besoin est-il découpé en lots, et peut-on répondre pour une partie des sites seulement ?",
                "Il n’y a pas de lots. Une proposition peut toutefois porter sur une partie des publics ou des sites, à condition de le dire clairement dans la proposition ; le comité évaluera alors la proposition sur ce périmètre. Les groupements sont bienvenus, y compris entre une petite structure locale et un organisme de formation plus important.",
            ),
            (
                "Combien de personnes sont concernées, et par site ?",
                "Environ 4 500 agents : 1 900 dans les sièges et antennes, 2 600 dans les lycées (agents d’entretien, de restauration et de maintenance). Le tableau des effectifs par site, sans donnée nominative, est publié en annexe de l’objectif. Les élèves éco-délégués, environ 2 000, sont un public complémentaire.",
            ),
        ],
    },
    // 3. Network of sustainable suppliers.
    DemoObjective {
        title: "Des produits locaux et de saison dans les cantines des lycées",
        need: "Les lycées publics servent chaque jour 95 000 repas. Aujourd’hui, 28 % des \
            achats alimentaires respectent les critères de la loi EGalim et moins de 15 % \
            viennent de la région, alors que les producteurs sont nombreux à moins de 80 km. \
            Beaucoup de ces producteurs sont trop petits pour répondre seuls à un marché public. \
            La Région souhaite qu’ils puissent répondre ensemble.\n\n\
            ### Ce que la Région attend\n\n\
            - Un approvisionnement régulier en produits frais, locaux et de saison : légumes, \
            fruits, produits laitiers, viandes, légumineuses.\n\
            - Des groupements de producteurs, de transformateurs, de logisticiens et de PME \
            alimentaires, avec un mandataire identifié.\n\
            - Une logistique adaptée aux cuisines des lycées (livraisons, conditionnements, \
            produits prêts à cuisiner).\n\
            - Un accompagnement des équipes de cuisine : recettes de saison, menus végétariens, \
            lutte contre le gaspillage.\n\n\
            ### Ce qui est laissé ouvert\n\n\
            L’organisation est libre : plateforme collective, légumerie partagée, contrats de \
            culture pluriannuels, circuits par bassin de vie. Les groupements peuvent couvrir \
            une famille de produits ou un territoire.\n\n\
            ### Contraintes\n\n\
            - Respect des règles d’hygiène et de traçabilité de la restauration collective.\n\
            - Au moins 50 % de produits durables et de qualité, dont 20 % issus de l’agriculture \
            biologique, sur l’ensemble des livraisons.",
        political_objective: "Servir dans les lycées 60 % de produits durables, dont la moitié issue de la région, d’ici 2030, et consolider un réseau de producteurs et de PME alimentaires qui vivent de la commande publique régionale.",
        deliberation_ref: "CP-2026-02-057",
        deliberation_date: "2026-02-13",
        themes: &["alimentation", "economie", "sante"],
        horizon: "10",
        budget_euros: Some(2_800_000),
        place: "Services de restauration des lycées publics, regroupés en six bassins de vie",
        contact: "Direction de l’éducation, mission restauration — achats-ouverts@region.example",
        deadline_days: 14,
        criteria: &[
            ("eco-local", 20, None),
            ("eco-sme-ess", 15, None),
            ("eco-cooperation", 15, None),
            ("env-climate", 15, None),
            ("change-support", 15, None),
            ("env-biodiversity", 10, None),
            ("feasibility", 10, Some(2)),
        ],
        milestones: &[
            ("2027-01-04", "Premières livraisons dans deux bassins de vie pilotes"),
            ("2028-09-01", "Approvisionnement local dans les six bassins de vie"),
            ("2030-12-31", "60 % de produits durables, dont la moitié régionaux, dans tous les lycées"),
            ("2035-12-31", "Réseau régional de producteurs consolidé et contrats de culture pluriannuels généralisés"),
        ],
        questions: &[
            (
                "Quelle forme doit prendre un groupement de producteurs ?",
                "Le groupement peut être conjoint (chaque membre s’engage sur sa part) ou solidaire (chaque membre répond de l’ensemble). Un mandataire le représente auprès de la Région. Sur la plateforme, le mandataire crée la proposition et invite les membres, qui confirment chacun leur participation ; une proposition n’est recevable que si tous les membres ont confirmé avant la date limite. Une coopérative ou une association de producteurs peut aussi répondre seule.",
            ),
            (
                "Peut-on répondre pour un seul bassin de vie ou une seule famille de produits ?",
                "Oui. La liste des lycées par bassin de vie, avec le nombre de repas servis et les volumes achetés en 2025 par famille de produits, est publiée en annexe. Le comité compare les propositions sur un même périmètre et peut en retenir plusieurs complémentaires.",
            ),
        ],
    },
    // 4. Eco-designed purchasing.
    DemoObjective {
        title: "Un service numérique sobre et accessible pour réserver trains régionaux et transports scolaires",
        need: "Les familles inscrivent chaque année 140 000 élèves aux transports scolaires et \
            les voyageurs achètent leurs billets de train régional sur trois sites différents, \
            hérités des anciennes autorités organisatrices. Ces sites sont lourds, mal \
            accessibles aux personnes en situation de handicap et difficiles à utiliser sur un \
            téléphone ancien ou avec une connexion faible, fréquente dans les zones rurales.\n\n\
            ### Ce que la Région attend\n\n\
            - Un service unique pour l’inscription scolaire, l’achat de titres et la \
            réservation des transports à la demande.\n\
            - Une conformité totale au RGAA, vérifiée par un audit indépendant, et un parcours \
            complet sans JavaScript.\n\
            - Une écoconception mesurée : poids des pages, nombre de requêtes, compatibilité \
            avec les terminaux de plus de sept ans.\n\
            - Un accompagnement des usagers et des agents des points d’accueil, et une aide \
            humaine pour les personnes éloignées du numérique.\n\n\
            ### Ce qui est laissé ouvert\n\n\
            L’architecture, les technologies et le modèle (développement, logiciel libre \
            existant, service mutualisé avec d’autres collectivités) sont au choix des \
            candidats.\n\n\
            ### Contraintes\n\n\
            - Hébergement dans l’Union européenne et réversibilité complète des données.\n\
            - Reprise des données des trois sites existants sans interruption pendant la \
            période d’inscription scolaire.",
        political_objective: "Offrir à chaque habitant un accès simple, sobre et accessible aux transports régionaux, et réduire l’empreinte environnementale des services numériques de la Région.",
        deliberation_ref: "CP-2026-05-203",
        deliberation_date: "2026-05-22",
        themes: &["numerique", "mobilite"],
        horizon: "5",
        budget_euros: Some(1_200_000),
        place: "Service en ligne régional, points d’accueil des gares et antennes territoriales",
        contact: "Direction des mobilités, service billettique — achats-ouverts@region.example",
        deadline_days: 49,
        criteria: &[
            ("soc-accessibility", 25, Some(3)),
            ("env-resources", 20, None),
            ("change-support", 15, None),
            ("feasibility", 15, None),
            ("eco-lifecycle-cost", 10, None),
            ("innovation", 10, None),
            ("env-climate", 5, None),
        ],
        milestones: &[
            ("2027-06-01", "Ouverture des inscriptions scolaires sur le nouveau service"),
            ("2028-01-31", "Vente de tous les titres de train régional sur le service unique, anciens sites fermés"),
            ("2031-06-30", "Bilan public d’accessibilité, d’usage et d’empreinte environnementale"),
        ],
        questions: &[
            (
                "Quelles données et interfaces des systèmes existants seront disponibles ?",
                "Les horaires théoriques sont déjà publiés en données ouvertes aux formats GTFS et NeTEx, et les données temps réel en GTFS-RT. La gamme tarifaire, le règlement des transports scolaires et le schéma des données d’inscription (sans données personnelles) sont publiés en annexe. Le système de vente des titres de train expose une interface de programmation documentée, dont la description sera transmise aux candidats qui en font la demande à l’adresse de contact.",
            ),
            (
                "Comment l’écoconception sera-t-elle évaluée ?",
                "Sur les engagements chiffrés de la proposition : poids maximal des pages des parcours principaux, nombre de requêtes, terminaux et navigateurs les plus anciens pris en charge, méthode de mesure. Le référentiel général d’écoconception de services numériques (RGESN) sert de cadre ; une déclaration d’écoconception est attendue à la mise en service, puis chaque année.",
            ),
        ],
    },
    // 5. Closed objective: reuse (réemploi).
    DemoObjective {
        title: "Donner une seconde vie au mobilier et au matériel informatique des sites régionaux",
        need: "Chaque année, la Région renouvelle environ 6 000 postes informatiques, \
            1 200 téléphones et plusieurs milliers de meubles dans ses sièges, antennes et \
            lycées. Une grande partie de ce matériel fonctionne encore mais finit aujourd’hui \
            en filière de recyclage, voire en déchetterie. Dans le même temps, la Région achète \
            du mobilier neuf pour des besoins que du réemploi couvrirait.\n\n\
            ### Ce que la Région attend\n\n\
            - La collecte, le tri, le reconditionnement et la remise en circulation du mobilier \
            et du matériel informatique, en priorité dans les services de la Région, puis \
            auprès d’associations, d’établissements et d’habitants.\n\
            - Un effacement certifié des données de chaque équipement informatique.\n\
            - Des emplois d’insertion dans les ateliers de reconditionnement.\n\
            - Un accompagnement des services acheteurs et des utilisateurs pour faire du \
            réemploi le premier réflexe.\n\n\
            ### Ce qui est laissé ouvert\n\n\
            Le modèle économique (prestation, revente, don, location), l’organisation \
            logistique et les outils de suivi sont libres.\n\n\
            ### Contraintes\n\n\
            - Traçabilité de chaque lot jusqu’à son nouvel usage ou sa filière de recyclage.\n\
            - Respect de la réglementation sur les déchets d’équipements électriques et \
            électroniques.",
        political_objective: "Faire du réemploi la règle pour les équipements de la Région : 70 % du mobilier et du matériel informatique réformé réemployé d’ici 2030, avec des emplois d’insertion dans la région.",
        deliberation_ref: "CP-2025-10-092",
        deliberation_date: "2025-10-17",
        themes: &["economie", "numerique", "batiment"],
        horizon: "10",
        budget_euros: None,
        place: "Sièges, antennes territoriales et lycées de la Région",
        contact: "Direction des achats — achats-ouverts@region.example",
        deadline_days: -10,
        criteria: &[
            ("env-circularity", 35, Some(2)),
            ("soc-inclusion", 15, None),
            ("eco-sme-ess", 15, None),
            ("change-support", 15, None),
            ("eco-local", 10, None),
            ("feasibility", 10, None),
        ],
        milestones: &[
            ("2027-03-31", "Ateliers de reconditionnement opérationnels et première collecte sur tous les sites"),
            ("2030-12-31", "70 % du mobilier et du matériel informatique réformé réemployé"),
            ("2035-12-31", "Achats neufs de mobilier limités aux besoins que le réemploi ne couvre pas"),
        ],
        questions: &[
            (
                "Quels volumes faut-il prévoir, et sont-ils garantis ?",
                "Les volumes réformés en 2023, 2024 et 2025, par catégorie et par site, sont publiés en annexe : en moyenne 6 000 postes, 1 200 téléphones et 9 000 meubles par an. Ils sont indicatifs et ne sont pas garantis, car ils dépendent du rythme de renouvellement ; la proposition doit indiquer comment elle s’adapte à une variation de 30 % en plus ou en moins.",
            ),
            (
                "Quel niveau d’effacement des données est exigé ?",
                "Un effacement logiciel par réécriture, conforme aux recommandations de l’ANSSI, avec un certificat par équipement indiquant son numéro de série. Les supports défectueux qui ne peuvent pas être effacés sont détruits physiquement, avec un procès-verbal. Le prestataire doit pouvoir présenter ces certificats à tout moment.",
            ),
        ],
    },
    // 6. Biodiversity and water.
    DemoObjective {
        title: "Désimperméabiliser et végétaliser les lycées pour accueillir la biodiversité et l’eau de pluie",
        need: "Les cours et les toitures des lycées couvrent plus de 300 hectares, en grande \
            partie imperméabilisés. L’été, certaines cours dépassent 45 °C en surface ; lors des \
            orages, les réseaux saturent et plusieurs établissements ont été inondés. La Région \
            veut transformer ces espaces en lieux plus frais, plus vivants et qui retiennent \
            l’eau là où elle tombe.\n\n\
            ### Ce que la Région attend\n\n\
            - Des aménagements sur un premier groupe de 15 lycées : cours désimperméabilisées, \
            toitures végétalisées, récupération et infiltration des eaux pluviales.\n\
            - Des plantations d’essences locales adaptées au climat futur et favorables à la \
            faune.\n\
            - La participation des élèves, des équipes et des riverains, de la conception à \
            l’entretien, et des supports pédagogiques pour les enseignants.\n\
            - Un suivi de la biodiversité, de la température et des volumes d’eau gérés sur \
            place.\n\n\
            ### Ce qui est laissé ouvert\n\n\
            Les solutions techniques, le choix des sites parmi les 15 proposés et le partage \
            entre conception, travaux et entretien sont libres. Les groupements associant \
            paysagistes, entreprises de travaux, associations naturalistes et structures \
            d’insertion sont encouragés.\n\n\
            ### Contraintes\n\n\
            - Sécurité des élèves et accessibilité des cours aux personnes à mobilité réduite.\n\
            - Pas de produits phytosanitaires ; eau potable non utilisée pour l’arrosage \
            après la première année.",
        political_objective: "Rendre aux sols des lycées leur rôle naturel : désimperméabiliser la moitié des cours d’ici 2040, gérer sur place les eaux de pluie et faire de chaque lycée un refuge pour la biodiversité.",
        deliberation_ref: "AP-2026-06-15",
        deliberation_date: "2026-06-26",
        themes: &["biodiversite", "batiment", "formation"],
        horizon: "20",
        budget_euros: Some(1_800_000),
        place: "15 lycées pilotes en milieu urbain et périurbain",
        contact: "Direction des lycées, mission biodiversité — achats-ouverts@region.example",
        deadline_days: 60,
        criteria: &[
            ("env-biodiversity", 30, Some(2)),
            ("env-resources", 15, None),
            ("change-support", 15, None),
            ("feasibility", 15, None),
            ("eco-lifecycle-cost", 10, None),
            ("eco-local", 10, None),
            ("innovation", 5, None),
        ],
        milestones: &[
            ("2028-09-01", "Premières cours désimperméabilisées et végétalisées dans les lycées pilotes"),
            ("2032-12-31", "Eaux de pluie gérées sur place dans les 15 lycées pilotes"),
            ("2040-12-31", "La moitié des surfaces de cours des lycées désimperméabilisée"),
            ("2046-12-31", "Bilan de vingt ans de suivi de la biodiversité et des îlots de fraîcheur"),
        ],
        questions: &[
            (
                "Les toitures des lycées peuvent-elles supporter une végétalisation ?",
                "Un diagnostic de structure existe pour 9 des 15 lycées pilotes ; il est publié en annexe avec les plans de toiture. Pour les 6 autres, la proposition peut prévoir un diagnostic ou se limiter aux cours. Une toiture dont la charge admissible n’est pas connue ne doit pas être végétalisée sans diagnostic préalable.",
            ),
            (
                "L’entretien des aménagements fait-il partie du besoin, et sur quelle durée ?",
                "Oui. La Région attend un entretien d’au moins trois ans après la réception, le temps que les plantations s’installent, avec la formation progressive des agents des lycées qui le reprendront ensuite. La proposition peut prévoir une durée plus longue ; le coût global sur 10 ans est comparé entre propositions.",
            ),
        ],
    },
];

/// One organisation of the demo's network: its public profile, credentials (code, days until
/// expiry; negative: expired), a partner request (objective index, skills) and a practice.
pub struct DemoMember {
    pub legal_name: &'static str,
    /// Index into the demo's suppliers (0 to 2) for the three with accounts; `None` for the others.
    pub supplier: Option<usize>,
    pub size: &'static str,
    pub social_economy: bool,
    pub sectors: &'static [&'static str],
    pub departments: &'static [&'static str],
    pub presentation: &'static str,
    pub commitments: &'static [(&'static str, &'static str)],
    pub credentials: &'static [(&'static str, Option<i64>)],
    pub partner_request: Option<(usize, &'static str)>,
    /// (title, text, themes, published)
    pub practice: Option<(&'static str, &'static str, &'static [&'static str], bool)>,
}

pub const NETWORK: &[DemoMember] = &[
    DemoMember {
        legal_name: "Coopérative Bois & Territoires",
        supplier: Some(0),
        size: "sme",
        social_economy: true,
        sectors: &["bâtiment", "énergie"],
        departments: &["69", "42", "01"],
        presentation: "Société coopérative de charpentiers et de thermiciens. Nous construisons et rénovons avec du **bois local** (moins de 150 km) et des isolants biosourcés.",
        commitments: &[
            ("climate", "Bilan carbone annuel publié ; −30 % d’émissions par chantier depuis 2020."),
            ("local-economy", "90 % de nos achats de bois auprès de scieries de la région."),
        ],
        credentials: &[("iso-14001", Some(400)), ("esus", None)],
        partner_request: Some((
            0,
            "Thermicien pour les pompes à chaleur et le suivi des consommations sur 10 ans, dans le Rhône ou la Loire.",
        )),
        practice: Some((
            "Des chantiers bois qui suivent leurs émissions",
            "Sur chaque chantier, nous pesons les matériaux livrés et calculons les émissions évitées par rapport à une solution béton. Le tableau est affiché sur la palissade et mis à jour chaque semaine : les riverains et le maître d’ouvrage suivent les progrès.\n\n- outil : un tableur partagé ;\n- effort : une heure par semaine ;\n- résultat : −30 % d’émissions en trois ans.",
            &["batiment", "energie"],
            true,
        )),
    },
    DemoMember {
        legal_name: "Maraîchers Réunis du Val",
        supplier: Some(1),
        size: "micro",
        social_economy: true,
        sectors: &["alimentation"],
        departments: &["69", "38"],
        presentation: "Association de douze maraîchers bio du Val de Saône. Nous livrons les cantines en circuit court, avec des contrats de culture pluriannuels.",
        commitments: &[
            ("local-economy", "Des prix garantis trois ans aux producteurs."),
            ("biodiversity", "Haies replantées sur 4 km depuis 2022."),
        ],
        credentials: &[("eu-ecolabel", Some(-20))],
        partner_request: Some((
            2,
            "Une légumerie pour la quatrième gamme, et un transporteur frigorifique bas carbone.",
        )),
        practice: Some((
            "Contrats de culture avec les cantines",
            "Les cantines s’engagent sur des volumes trois ans à l’avance ; nous plantons en conséquence. Les menus s’adaptent aux saisons, les prix sont fixés par contrat et revus chaque année en comité. Moins de gaspillage, des revenus stables pour les producteurs.",
            &["alimentation", "economie"],
            true,
        )),
    },
    DemoMember {
        legal_name: "Atelier Solaire Citoyen",
        supplier: Some(2),
        size: "micro",
        social_economy: true,
        sectors: &["énergie"],
        departments: &["38", "73", "74"],
        presentation: "Installateur de centrales solaires citoyennes sur les toitures publiques, financées par les habitants.",
        commitments: &[("climate", "1,2 MWc installés, 40 % de l’électricité consommée localement.")],
        credentials: &[("label-lucie", Some(200))],
        partner_request: None,
        practice: None,
    },
    DemoMember {
        legal_name: "Réemploi Matériaux Rhône",
        supplier: None,
        size: "sme",
        social_economy: true,
        sectors: &["bâtiment", "déchets"],
        departments: &["69", "01"],
        presentation: "Nous déposons soigneusement portes, radiateurs et parquets avant démolition, puis les remettons en circulation.",
        commitments: &[
            ("circularity", "1 200 tonnes de matériaux réemployées en 2025."),
            ("inclusion", "Deux tiers de nos salariés en parcours d’insertion."),
        ],
        credentials: &[("siae", None)],
        partner_request: Some((0, "Un bureau d’études pour le diagnostic ressources avant travaux.")),
        practice: Some((
            "Le diagnostic ressources avant chaque démolition",
            "Avant toute démolition, un inventaire photographié de ce qui peut resservir : portes, radiateurs, sanitaires, parquets. La liste est publiée trois mois avant les travaux pour que les artisans réservent. En moyenne 18 % des matériaux échappent à la benne.",
            &["batiment", "economie"],
            true,
        )),
    },
    DemoMember {
        legal_name: "Transports Doux Isère",
        supplier: None,
        size: "sme",
        social_economy: false,
        sectors: &["transport", "logistique"],
        departments: &["38", "26"],
        presentation: "Livraisons urbaines en vélos-cargos et véhicules électriques.",
        commitments: &[("climate", "Zéro moteur thermique en ville depuis 2024.")],
        credentials: &[("iso-14001", Some(90))],
        partner_request: None,
        practice: Some((
            "Des tournées de livraison mutualisées",
            "Plutôt que trois camionnettes pour trois fournisseurs, un vélo-cargo passe une fois. Un entrepôt en périphérie regroupe les colis la veille ; la tournée est optimisée le matin. Pour les cantines, 60 % de kilomètres en moins.",
            &["mobilite"],
            true,
        )),
    },
    DemoMember {
        legal_name: "Numérique Sobre Auvergne",
        supplier: None,
        size: "micro",
        social_economy: false,
        sectors: &["numérique"],
        departments: &["63", "03", "15", "43"],
        presentation: "Reconditionnement d’ordinateurs et conception de services numériques sobres et accessibles.",
        commitments: &[
            ("circularity", "Ordinateurs reconditionnés garantis trois ans."),
            ("inclusion", "Tous nos sites respectent le RGAA."),
        ],
        credentials: &[("b-corp", Some(600))],
        partner_request: Some((3, "Un partenaire de maintenance sur site dans l’Allier et le Cantal.")),
        practice: Some((
            "Allonger la vie des ordinateurs des lycées",
            "Un reconditionnement à mi-vie (batterie, disque SSD, système léger) prolonge de quatre ans des ordinateurs destinés au rebut. Coût : un quart d’un appareil neuf.",
            &["numerique", "formation"],
            false,
        )),
    },
    DemoMember {
        legal_name: "Entreprise Adaptée des Volcans",
        supplier: None,
        size: "sme",
        social_economy: true,
        sectors: &["entretien", "espaces verts"],
        departments: &["63"],
        presentation: "Entreprise adaptée : entretien des bâtiments et des espaces verts, sans pesticides.",
        commitments: &[
            ("inclusion", "80 % de travailleurs en situation de handicap."),
            ("biodiversity", "Gestion différenciée de 60 hectares."),
        ],
        credentials: &[("entreprise-adaptee", None)],
        partner_request: None,
        practice: None,
    },
    DemoMember {
        legal_name: "Chaleur Bois Savoie",
        supplier: None,
        size: "sme",
        social_economy: false,
        sectors: &["énergie"],
        departments: &["73", "74"],
        presentation: "Chaufferies bois et réseaux de chaleur pour les collectivités de montagne.",
        commitments: &[("climate", "Plaquettes forestières certifiées, rayon d’approvisionnement de 50 km.")],
        credentials: &[("iso-14001", Some(30)), ("emas", Some(-5))],
        partner_request: Some((0, "Un charpentier pour les chaufferies en bois, et une société de maintenance.")),
        practice: None,
    },
    DemoMember {
        legal_name: "Cuisine Centrale Drôme Ardèche",
        supplier: None,
        size: "large",
        social_economy: false,
        sectors: &["alimentation", "restauration collective"],
        departments: &["26", "07"],
        presentation: "Cuisine centrale : 12 000 repas par jour, 45 % de produits bio et locaux.",
        commitments: &[("local-economy", "Contrats avec 80 producteurs de la Drôme et de l’Ardèche.")],
        credentials: &[],
        partner_request: Some((2, "Des producteurs de légumineuses et une conserverie locale.")),
        practice: None,
    },
    DemoMember {
        legal_name: "Isolants Naturels de la Loire",
        supplier: None,
        size: "micro",
        social_economy: false,
        sectors: &["bâtiment"],
        departments: &["42", "43"],
        presentation: "Fabrication d’isolants en fibre de chanvre et de bois.",
        commitments: &[("climate", "Des isolants qui stockent le carbone plutôt qu’ils n’en émettent.")],
        credentials: &[("nf-environnement", Some(365))],
        partner_request: None,
        practice: None,
    },
    DemoMember {
        legal_name: "Mobilités Solidaires de l’Ain",
        supplier: None,
        size: "micro",
        social_economy: true,
        sectors: &["transport"],
        departments: &["01"],
        presentation: "Transport à la demande et ateliers vélo pour les zones rurales.",
        commitments: &[("inclusion", "Des trajets pour les personnes sans voiture, 6 jours sur 7.")],
        credentials: &[("esus", None)],
        partner_request: None,
        practice: None,
    },
    DemoMember {
        legal_name: "Eau Vive Ingénierie",
        supplier: None,
        size: "sme",
        social_economy: false,
        sectors: &["eau", "études"],
        departments: &["38", "69", "73"],
        presentation: "Bureau d’études : récupération des eaux de pluie, désimperméabilisation des cours d’école.",
        commitments: &[("biodiversity", "Chaque cour conçue avec 40 % de surfaces perméables au moins.")],
        credentials: &[("iso-14001", None)],
        partner_request: None,
        practice: None,
    },
];
