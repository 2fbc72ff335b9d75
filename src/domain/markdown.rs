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
