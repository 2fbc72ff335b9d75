//! Markdown written by users, rendered to safe HTML: raw HTML in the source is shown as text,
//! the result goes through a whitelist sanitiser, and links get `rel="nofollow noopener"`.

use pulldown_cmark::{Event, Options, Parser, html};

/// Renders Markdown to sanitised HTML.
pub fn render(source: &str) -> String {
    let parser =
        Parser::new_ext(source, Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES).map(|event| match event {
            // Raw HTML is not markup here: show it as the text it is.
            Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
            other => other,
        });
    let mut unsafe_html = String::new();
    html::push_html(&mut unsafe_html, parser);
    ammonia::Builder::default()
        .link_rel(Some("nofollow noopener"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        // No relative links: `//elsewhere.example` would otherwise pass as one.
        .url_relative(ammonia::UrlRelative::Deny)
        .clean(&unsafe_html)
        .to_string()
}

/// Renders the platform's own pages (the guide, the glossary, the public statements), compiled
/// into the binary: the same sanitiser, but headings keep their anchors (`## Title {#anchor}`)
/// and links may be relative (`/aide/glossaire#consortium`), which user text may not have.
pub fn render_document(source: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_HEADING_ATTRIBUTES;
    let parser = Parser::new_ext(source, options).map(|event| match event {
        Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
        other => other,
    });
    let mut unsafe_html = String::new();
    html::push_html(&mut unsafe_html, parser);
    ammonia::Builder::default()
        .add_generic_attributes(["id"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .clean(&unsafe_html)
        .to_string()
}

/// The text without its Markdown markup, for summaries and feeds.
pub fn plain(source: &str, max_chars: usize) -> String {
    let mut text = String::new();
    for event in Parser::new(source) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => text.push(' '),
            _ => {}
        }
    }
    let squeezed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if max_chars == 0 {
        return String::new();
    }
    if squeezed.chars().count() <= max_chars {
        squeezed
    } else {
        let cut: String = squeezed.chars().take(max_chars.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_raw_html_never_get_through() {
        let html = render("Hello <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "raw HTML is shown as text: {html}");
    }

    #[test]
    fn protocol_relative_links_are_dropped() {
        let html = render("[x](//evil.example/a)");
        assert!(!html.contains("evil.example/a\""), "{html}");
    }

    #[test]
    fn links_are_nofollow_noopener() {
        let html = render("See [the deliberation](https://region.example/deliberation/42).");
        assert!(html.contains("href=\"https://region.example/deliberation/42\""), "{html}");
        assert!(html.contains("rel=\"nofollow noopener\""), "{html}");
    }

    #[test]
    fn documents_keep_their_anchors_and_relative_links_but_no_script() {
        let html =
            render_document("## Consortium {#consortium}\n\nSee [the guide](/aide/repondre#depot) <script>x</script>");
        assert!(html.contains("<h2 id=\"consortium\">"), "{html}");
        assert!(html.contains("href=\"/aide/repondre#depot\""), "{html}");
        assert!(!html.contains("<script"), "{html}");
    }

    #[test]
    fn plain_text_is_cut_with_an_ellipsis() {
        assert_eq!(plain("**Bold** and *more*", 100), "Bold and more");
        assert_eq!(plain("abcdefghij", 5), "abcd…");
    }
}

/// Properties of the rendering of text written by users (`cargo test --lib property_tests`).
#[cfg(test)]
mod property_tests {
    use super::*;
    use proptest::prelude::*;

    /// Markdown assembled from the pieces attacks are made of.
    fn hostile() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("<script>alert(1)</script>"),
            Just("<img src=x onerror=alert(1)>"),
            Just("<a href=\"javascript:alert(1)\">x</a>"),
            Just("<svg onload=alert(1)>"),
            Just("<iframe src=//evil.example>"),
            Just("<style>*{}</style>"),
            Just("[x](javascript:alert(1))"),
            Just("[x](JaVaScRiPt:alert(1))"),
            Just("[x](java\tscript:alert(1))"),
            Just("[x](&#106;avascript:alert(1))"),
            Just("[x](data:text/html,<script>alert(1)</script>)"),
            Just("[x](//evil.example/a)"),
            Just("[x](vbscript:msgbox)"),
            Just("![i](https://evil.example/i.png\" onerror=\"alert(1))"),
            Just("[x](https://ok.example/\" onmouseover=\"alert(1))"),
            Just("<https://ok.example/a>"),
            Just("[ref]\n\n[ref]: javascript:alert(1)"),
            Just("` <script> `"),
            Just("```\n<script>\n```"),
            Just("| a | <b onclick=x> |\n|---|---|\n| 1 | 2 |"),
            Just("\"onmouseover=alert(1) "),
            Just("<"),
            Just(">"),
            Just("\""),
            Just("'"),
            Just("&"),
            Just("*"),
            Just("\n"),
            Just("\n\n"),
            Just("    "),
            Just("# "),
            Just("- "),
        ];
        proptest::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
    }

    fn sources() -> impl Strategy<Value = String> {
        prop_oneof![hostile(), "\\PC{0,300}", any::<String>()]
    }

    /// The tags of an HTML text, each as its name and its attributes (name, value). The sanitiser's
    /// output quotes every attribute value with `"`, and escapes `"`, `<` and `>` inside them.
    fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
        let mut out = Vec::new();
        let mut rest = html;
        while let Some(start) = rest.find('<') {
            rest = &rest[start + 1..];
            let end = rest.find('>').unwrap_or(rest.len());
            let inside = rest[..end].trim_start_matches('/');
            rest = &rest[end.min(rest.len())..];
            let name: String = inside.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            let mut attributes = Vec::new();
            let mut attrs = &inside[name.len()..];
            loop {
                attrs = attrs.trim_start_matches([' ', '/']);
                let Some(eq) = attrs.find('=') else { break };
                let key = attrs[..eq].trim().to_ascii_lowercase();
                let after = &attrs[eq + 1..];
                let after = after.strip_prefix('"').unwrap_or(after);
                let close = after.find('"').unwrap_or(after.len());
                attributes.push((key, after[..close].to_owned()));
                attrs = &after[(close + 1).min(after.len())..];
            }
            out.push((name.to_ascii_lowercase(), attributes));
        }
        out
    }

    fn assert_harmless(html: &str, relative_links: bool) -> Result<(), TestCaseError> {
        for (name, attributes) in tags(html) {
            prop_assert!(
                !matches!(name.as_str(), "script" | "style" | "iframe" | "svg" | "object" | "embed" | "form"),
                "<{}> in {}",
                name,
                html
            );
            for (key, value) in attributes {
                prop_assert!(!key.starts_with("on") && key != "style", "{} in {}", key, html);
                if key == "href" || key == "src" {
                    // A relative link has no scheme: no `:` before its first `/`, `?` or `#`.
                    let relative = !value.split(['/', '?', '#']).next().unwrap_or_default().contains(':');
                    let safe = ["http://", "https://", "mailto:"].iter().any(|s| value.starts_with(s))
                        || (relative_links && relative);
                    prop_assert!(safe, "{} {} in {}", key, value, html);
                }
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// Whatever users write, rendering answers and nothing of it runs: no script, frame or
        /// style, no event handler, links and images only to http(s) and mail addresses (no
        /// protocol-relative one), each link `nofollow noopener`.
        #[test]
        fn nothing_users_write_runs(source in sources()) {
            let html = render(&source);
            assert_harmless(&html, false)?;
            let links = html.matches("<a ").count();
            prop_assert_eq!(html.matches("rel=\"nofollow noopener\"").count(), links, "{}", html);
        }

        /// The platform's own pages go through the same sanitiser: relative links (their text is
        /// compiled in, not written by users), but nothing that runs.
        #[test]
        fn the_platforms_documents_run_nothing_either(source in sources()) {
            assert_harmless(&render_document(&source), true)?;
        }

        /// A summary is never longer than asked and has no line breaks.
        #[test]
        fn a_summary_fits_its_length(source in sources(), max in 0usize..200) {
            let text = plain(&source, max);
            prop_assert!(text.chars().count() <= max, "{:?} for {}", text, max);
            prop_assert!(!text.contains('\n'));
        }
    }

    #[test]
    fn a_summary_of_no_characters_is_empty() {
        // Found by a property: a length of 0 gave the ellipsis alone, one character too many.
        assert_eq!(plain("text", 0), "");
    }
}
