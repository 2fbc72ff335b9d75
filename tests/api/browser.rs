//! A real browser for the journeys: Debian's Chromium driven through `chromedriver` with the W3C
//! WebDriver protocol, spoken over the same HTTP client the other tests use (a dozen endpoints:
//! no WebDriver crate needed). Each page a journey visits with JavaScript on is checked by
//! axe-core, loaded from `node_modules` (installed from `package.json` and its lockfile, test
//! only). See docs/TESTING.md.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The key WebDriver names elements with.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Where Debian puts the browser and its driver.
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// axe-core's source, from `npm ci`.
fn axe_source() -> String {
    let path = root().join("node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} is missing: run `npm ci`", path.display()))
}

/// Screenshots of the journeys go here, one folder per backend (`docs/UI.md` shows a committed
/// selection).
pub fn screenshot_dir(backend: &str) -> PathBuf {
    root().join("target/screenshots").join(backend)
}

/// A running `chromedriver` and the Chromium processes it started, all stopped when dropped
/// (also when a journey panics): they share a process group of their own.
pub struct Driver {
    process: Child,
    url: String,
    http: reqwest::Client,
    shots: PathBuf,
}

impl Driver {
    /// Starts chromedriver; `backend` names the folder screenshots go to.
    pub async fn start(backend: &str) -> Driver {
        use std::os::unix::process::CommandExt;
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let process = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let url = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(r) = http.get(format!("{url}/status")).send().await
                && let Ok(v) = r.json::<Value>().await
                && v["value"]["ready"] == true
            {
                break;
            }
            assert!(Instant::now() < deadline, "chromedriver did not become ready");
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
        Driver { process, url, http, shots: screenshot_dir(backend) }
    }

    /// A new browser window: its own profile (cookies), French, 1440 px wide, JavaScript on or off.
    pub async fn open(&self, base: &str, javascript: bool) -> Page {
        let mut options = json!({
            "binary": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-dev-shm-usage", "--window-size=1440,900", "--lang=fr-FR"],
            "prefs": { "intl.accept_languages": "fr-FR,fr" }
        });
        if !javascript {
            options["prefs"]["profile.managed_default_content_settings.javascript"] = json!(2);
        }
        let caps =
            json!({ "capabilities": { "alwaysMatch": { "browserName": "chrome", "goog:chromeOptions": options } } });
        let created: Value =
            self.http.post(format!("{}/session", self.url)).json(&caps).send().await.unwrap().json().await.unwrap();
        let id = created["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {created}")).to_owned();
        Page {
            http: self.http.clone(),
            session: format!("{}/session/{id}", self.url),
            base: base.trim_end_matches('/').to_owned(),
            javascript,
            shots: self.shots.clone(),
            axe: None,
            checked: Vec::new(),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and every browser it started. `--` first: procps' kill
        // otherwise reads `-<pgid>` as options (`kill -KILL -1234` signals -1, every process).
        let group = format!("-{}", self.process.id());
        let _ = Command::new("kill").args(["-s", "KILL", "--", &group]).status();
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// One axe finding that fails a journey (its fields are read through `Debug`, in the failure).
#[derive(Debug)]
#[allow(dead_code)]
pub struct Violation {
    pub page: String,
    pub rule: String,
    pub impact: String,
    pub targets: Vec<String>,
}

/// A browser window on the app.
pub struct Page {
    http: reqwest::Client,
    session: String,
    base: String,
    javascript: bool,
    shots: PathBuf,
    axe: Option<String>,
    /// The paths axe has checked already (each page once).
    checked: Vec<String>,
}

impl Page {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        self.try_call(method, path, body).await.unwrap_or_else(|e| panic!("webdriver {path}: {e}"))
    }

    async fn try_call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Value, String> {
        let mut request = self.http.request(method, format!("{}{path}", self.session));
        if let Some(b) = body {
            request = request.json(&b);
        }
        let answer: Value = request.send().await.expect("webdriver answers").json().await.expect("webdriver JSON");
        match answer["value"]["error"].as_str() {
            Some(error) => Err(format!("{error}: {}", answer["value"]["message"])),
            None => Ok(answer["value"].clone()),
        }
    }

    pub async fn goto(&self, path: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({ "url": format!("{}{path}", self.base) }))).await;
    }

    /// The current path and query.
    pub async fn path(&self) -> String {
        let url = self.call(reqwest::Method::GET, "/url", None).await.as_str().unwrap_or_default().to_owned();
        url.strip_prefix(&self.base).unwrap_or(&url).to_owned()
    }

    pub async fn source(&self) -> String {
        self.call(reqwest::Method::GET, "/source", None).await.as_str().unwrap_or_default().to_owned()
    }

    /// The visible text of the page.
    pub async fn text(&self) -> String {
        // Until the page a click led to has replaced the last one.
        for _ in 0..100 {
            if let Some(body) = self.try_find("body").await
                && let Ok(text) = self.try_call(reqwest::Method::GET, &format!("/element/{body}/text"), None).await
            {
                return text.as_str().unwrap_or_default().to_owned();
            }
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the page never settled")
    }

    /// The first element matching a CSS selector.
    pub async fn find(&self, css: &str) -> String {
        self.try_find(css).await.unwrap_or_else(|| panic!("no element `{css}`"))
    }

    pub async fn try_find(&self, css: &str) -> Option<String> {
        let found = self
            .http
            .post(format!("{}/element", self.session))
            .json(&json!({ "using": "css selector", "value": css }))
            .send()
            .await
            .expect("webdriver answers")
            .json::<Value>()
            .await
            .expect("webdriver JSON");
        if found["value"]["error"].as_str().is_some_and(|e| e != "no such element") {
            eprintln!("find `{css}`: {}", found["value"]);
        }
        found["value"][ELEMENT].as_str().map(str::to_owned)
    }

    pub async fn click(&self, css: &str) {
        let e = self.find(css).await;
        self.call(reqwest::Method::POST, &format!("/element/{e}/click"), Some(json!({}))).await;
    }

    /// Types into a field, replacing what it held.
    pub async fn fill(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        self.call(reqwest::Method::POST, &format!("/element/{e}/clear"), Some(json!({}))).await;
        if !text.is_empty() {
            self.call(reqwest::Method::POST, &format!("/element/{e}/value"), Some(json!({ "text": text }))).await;
        }
    }

    /// Fills the field named `name` (in the form holding `form`, a CSS selector) as a person
    /// would: types into text fields, picks the option of a select, ticks a box or a radio.
    pub async fn set(&self, form: &str, name: &str, value: &str) {
        let field = format!("{form} [name=\"{name}\"]");
        let e = self.find(&field).await;
        let tag = self.call(reqwest::Method::GET, &format!("/element/{e}/name"), None).await;
        let kind = self.call(reqwest::Method::GET, &format!("/element/{e}/attribute/type"), None).await;
        match (tag.as_str().unwrap_or_default(), kind.as_str().unwrap_or_default()) {
            ("select", _) => self.click(&format!("{field} option[value=\"{value}\"]")).await,
            (_, "checkbox") | (_, "radio") => {
                let one = format!("{form} [name=\"{name}\"][value=\"{value}\"]");
                let target = if self.try_find(&one).await.is_some() { one } else { field.clone() };
                let e = self.find(&target).await;
                let selected = self.call(reqwest::Method::GET, &format!("/element/{e}/selected"), None).await;
                if selected != true {
                    self.click(&target).await;
                }
            }
            (_, "file") => {
                self.call(reqwest::Method::POST, &format!("/element/{e}/value"), Some(json!({ "text": value }))).await;
            }
            (_, "date") | (_, "datetime-local") | (_, "time") if self.javascript => {
                // Typing into Chromium's date widgets depends on the locale's field order; the
                // value is what the form sends.
                self.call(
                    reqwest::Method::POST,
                    "/execute/sync",
                    Some(json!({ "script": "arguments[0].value = arguments[1];", "args": [{ ELEMENT: e }, value] })),
                )
                .await;
            }
            _ => self.fill(&field, value).await,
        }
    }

    /// Fills every pair into the form, then presses its button (`button` a CSS selector inside it)
    /// and waits for the next page to replace this one.
    pub async fn submit(&self, form: &str, pairs: &[(&str, &str)], button: &str) {
        for (name, value) in pairs {
            self.set(form, name, value).await;
        }
        let before = self.find("html").await;
        self.click(&format!("{form} {button}")).await;
        // The old document's root goes stale once the new page is there.
        for _ in 0..200 {
            if self.try_call(reqwest::Method::GET, &format!("/element/{before}/name"), None).await.is_err() {
                return;
            }
            actix_web::rt::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("pressing `{form} {button}` led to no new page");
    }

    /// How many CSS pixels the page is wider than the window (0: no horizontal overflow), and
    /// the elements sticking out past the window's right edge (tag, class, width), at most five.
    pub async fn overflow(&self) -> (i64, Vec<String>) {
        let script = "const d = document.documentElement; const w = d.clientWidth; \
            const out = []; for (const e of document.querySelectorAll('body *')) { \
              const r = e.getBoundingClientRect(); \
              if (r.right > w + 1 && out.length < 5) { out.push(e.tagName.toLowerCase() + '.' + (e.className || '') + ' ' + Math.round(r.width)); } } \
            return [d.scrollWidth - w, out];";
        let v = self.call(reqwest::Method::POST, "/execute/sync", Some(json!({ "script": script, "args": [] }))).await;
        let over = v[0].as_i64().unwrap_or(0);
        let culprits = v[1]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        (over, culprits)
    }

    /// Resizes the window.
    pub async fn width(&self, width: u32) {
        self.call(reqwest::Method::POST, "/window/rect", Some(json!({ "width": width, "height": 900 }))).await;
    }

    /// Saves a screenshot of the whole window under
    /// `target/screenshots/<backend>/<name>-<width>.png`.
    pub async fn screenshot(&self, name: &str) {
        use base64::Engine;
        let dir = &self.shots;
        std::fs::create_dir_all(dir).unwrap();
        for width in [360, 1440] {
            self.width(width).await;
            let png = self.call(reqwest::Method::GET, "/screenshot", None).await;
            let bytes = base64::engine::general_purpose::STANDARD.decode(png.as_str().unwrap_or_default()).unwrap();
            std::fs::write(dir.join(format!("{name}-{width}.png")), bytes).unwrap();
        }
        self.width(1440).await;
    }

    /// Runs axe-core on the current page (once per path) and returns its serious and critical
    /// violations. Pages seen with JavaScript off are not checked (axe is JavaScript).
    pub async fn axe(&mut self) -> Vec<Violation> {
        let path = self.path().await;
        let key = path.split('?').next().unwrap_or_default().to_owned();
        if !self.javascript || self.checked.contains(&key) {
            return Vec::new();
        }
        self.checked.push(key);
        let source = self.axe.get_or_insert_with(axe_source).clone();
        let script = format!(
            "{source}\n;const done = arguments[arguments.length - 1];\
             axe.run(document, {{ resultTypes: ['violations'] }})\
               .then(r => done(r.violations.map(v => ({{ id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')) }}))))\
               .catch(e => done('axe failed: ' + e));"
        );
        let found =
            self.call(reqwest::Method::POST, "/execute/async", Some(json!({ "script": script, "args": [] }))).await;
        let Some(list) = found.as_array() else { panic!("axe on {path}: {found}") };
        list.iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious") | Some("critical")))
            .map(|v| Violation {
                page: path.clone(),
                rule: v["id"].as_str().unwrap_or_default().to_owned(),
                impact: v["impact"].as_str().unwrap_or_default().to_owned(),
                targets: v["nodes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|n| n.as_str().map(str::to_owned))
                    .collect(),
            })
            .collect()
    }

    /// Presses Tab `n` times and returns the focused element's tag, text and whether it shows a
    /// visible focus indicator (an outline or a box shadow).
    pub async fn tab(&self, n: usize) -> (String, String, bool) {
        let keys: String = "\u{E004}".repeat(n);
        let actions = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions":
            keys.chars().flat_map(|k| [json!({ "type": "keyDown", "value": k.to_string() }), json!({ "type": "keyUp", "value": k.to_string() })]).collect::<Vec<_>>() }] });
        self.call(reqwest::Method::POST, "/actions", Some(actions)).await;
        let state = self
            .call(
                reqwest::Method::POST,
                "/execute/sync",
                Some(json!({ "script": "const e = document.activeElement; const s = getComputedStyle(e); \
                    return [e.tagName.toLowerCase(), (e.innerText || e.value || '').trim(), \
                    (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'];", "args": [] })),
            )
            .await;
        (
            state[0].as_str().unwrap_or_default().to_owned(),
            state[1].as_str().unwrap_or_default().to_owned(),
            state[2].as_bool().unwrap_or(false),
        )
    }

    /// Whether this window runs JavaScript.
    pub fn javascript(&self) -> bool {
        self.javascript
    }

    /// How many pages axe has checked in this window.
    pub fn checked(&self) -> usize {
        self.checked.len()
    }

    pub async fn close(self) {
        let _ = self.http.delete(&self.session).send().await;
    }
}
