//! Simple text documents as PDF: a title, headings, paragraphs, label–value facts, bulleted lists
//! and tables, laid out on A4 pages with wrapping (long words such as hashes are broken anywhere),
//! page breaks and page numbers. The text is set in DejaVu Sans (the `dejavu` crate ships the
//! TrueType files), embedded as a subset (`subsetter`) with a ToUnicode map, so accented French
//! renders in every reader and can be copied or searched. This module knows nothing of receipts
//! or letters: `views` build a `Document` from plain data and the reader's language, as they build
//! a page's `Markup`.
//!
//! No shaping beyond one glyph per character (no kerning, no ligatures): enough for Latin text.

use std::collections::BTreeMap;
use std::io::Write;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// A4 in points.
const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 56.0;
/// Room kept at the bottom for the page number.
const FOOTER: f32 = 28.0;
const BODY: f32 = 10.0;
const SMALL: f32 = 8.0;
const LEADING: f32 = 1.35;
const CELL_PAD: f32 = 4.0;

/// One block of a document, laid out top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Title(String),
    Heading(String),
    Paragraph(String),
    /// A paragraph in bold.
    Strong(String),
    /// A paragraph in small grey type (notes, explanations).
    Note(String),
    /// Label–value pairs, labels in bold on the left.
    Facts(Vec<(String, String)>),
    /// A bulleted list.
    List(Vec<String>),
    /// A table: a header row, then rows; `widths` are the columns' shares of the line (summing to 1).
    Table {
        widths: Vec<f32>,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

/// A document: its metadata, its blocks and how its pages are numbered.
pub struct Document {
    /// The document's title (metadata; the first `Block::Title` is what a reader sees).
    pub title: String,
    /// BCP 47 language of the text (`fr`, `en`): readers and screen readers use it.
    pub lang: &'static str,
    pub blocks: Vec<Block>,
    /// The footer of page `n` of `total`, e.g. "Page 1 sur 2".
    pub page_label: Box<dyn Fn(usize, usize) -> String + Send>,
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font cannot be read: {0}")]
    Font(String),
    #[error("the font cannot be subset: {0}")]
    Subset(String),
    #[error("cannot compress a stream: {0}")]
    Compress(#[from] std::io::Error),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Style {
    Regular,
    Bold,
}

/// A font: its file, parsed, with what we need of it.
struct Font {
    data: &'static [u8],
    face: ttf_parser::Face<'static>,
    units: f32,
}

impl Font {
    fn load(data: &'static [u8]) -> Result<Font, PdfError> {
        let face = ttf_parser::Face::parse(data, 0).map_err(|e| PdfError::Font(e.to_string()))?;
        let units = f32::from(face.units_per_em());
        Ok(Font { data, face, units })
    }

    /// The glyph of a character; a character the font lacks is drawn as `?`.
    fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).or_else(|| self.face.glyph_index('?')).map(|g| g.0).unwrap_or(0)
    }

    /// Advance of a glyph in thousandths of the font size.
    fn advance(&self, glyph: u16) -> f32 {
        f32::from(self.face.glyph_hor_advance(ttf_parser::GlyphId(glyph)).unwrap_or(0)) * 1000.0 / self.units
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(self.glyph(c))).sum::<f32>() * size / 1000.0
    }
}

struct Fonts {
    regular: Font,
    bold: Font,
}

impl Fonts {
    fn load() -> Result<Fonts, PdfError> {
        Ok(Fonts { regular: Font::load(dejavu::sans::regular())?, bold: Font::load(dejavu::sans::bold())? })
    }
    fn get(&self, style: Style) -> &Font {
        match style {
            Style::Regular => &self.regular,
            Style::Bold => &self.bold,
        }
    }
}

/// What a page holds once laid out: text runs and rules, in points from the bottom left.
enum Mark {
    Text { style: Style, size: f32, grey: bool, x: f32, y: f32, text: String },
    Rule { x1: f32, x2: f32, y: f32 },
}

/// Breaks `text` into lines no wider than `width`: at spaces, and inside a word only when the
/// word alone is too wide (hashes, addresses). Explicit line breaks are kept.
fn wrap(font: &Font, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in words(paragraph) {
            let word = word.as_str();
            let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
            if font.width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word alone: cut it where it no longer fits.
            for c in word.chars() {
                line.push(c);
                if font.width(&line, size) > width && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// The words of a line, French punctuation kept with its word: a line never starts with
/// « : », « ; », « ! », « ? » or « » », nor ends with « « ».
fn words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut glue_next = false;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let attach = matches!(word, ":" | ";" | "!" | "?" | "»" | "%") || glue_next;
        match out.last_mut() {
            Some(last) if attach => {
                last.push(' ');
                last.push_str(word);
            }
            _ => out.push(word.to_owned()),
        }
        glue_next = word == "«";
    }
    out
}

/// Lays blocks out on pages.
struct Layout<'f> {
    fonts: &'f Fonts,
    pages: Vec<Vec<Mark>>,
    /// The baseline cursor: the top of the next line.
    y: f32,
}

impl<'f> Layout<'f> {
    fn new(fonts: &'f Fonts) -> Self {
        Layout { fonts, pages: vec![Vec::new()], y: PAGE_HEIGHT - MARGIN }
    }

    fn bottom() -> f32 {
        MARGIN + FOOTER
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = PAGE_HEIGHT - MARGIN;
    }

    /// Makes room for `height` points, starting a new page if needed (not on an empty page).
    fn room(&mut self, height: f32) {
        let empty = self.pages.last().is_none_or(|p| p.is_empty());
        if self.y - height < Self::bottom() && !empty {
            self.new_page();
        }
    }

    fn mark(&mut self, mark: Mark) {
        if let Some(page) = self.pages.last_mut() {
            page.push(mark);
        }
    }

    /// Writes wrapped text at `x` within `width`, line by line, breaking pages between lines.
    fn text(&mut self, style: Style, size: f32, grey: bool, x: f32, width: f32, text: &str) {
        let line_height = size * LEADING;
        for line in wrap(self.fonts.get(style), text, size, width) {
            self.room(line_height);
            self.y -= line_height;
            let y = self.y + (line_height - size) / 2.0 + size * 0.2;
            self.mark(Mark::Text { style, size, grey, x, y, text: line });
        }
    }

    fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    fn block(&mut self, block: &Block) {
        let width = PAGE_WIDTH - 2.0 * MARGIN;
        match block {
            Block::Title(t) => {
                self.text(Style::Bold, 16.0, false, MARGIN, width, t);
                self.gap(10.0);
            }
            Block::Heading(t) => {
                // Keep a heading with at least two lines of what follows.
                self.room(12.0 * LEADING + 2.0 * BODY * LEADING + 8.0);
                self.gap(6.0);
                self.text(Style::Bold, 12.0, false, MARGIN, width, t);
                self.gap(3.0);
            }
            Block::Paragraph(t) => {
                self.text(Style::Regular, BODY, false, MARGIN, width, t);
                self.gap(6.0);
            }
            Block::Strong(t) => {
                self.text(Style::Bold, BODY, false, MARGIN, width, t);
                self.gap(6.0);
            }
            Block::Note(t) => {
                self.text(Style::Regular, SMALL, true, MARGIN, width, t);
                self.gap(6.0);
            }
            Block::List(items) => {
                let line = BODY * LEADING;
                for item in items {
                    // The bullet sits by the item's first line, on the page that line is on.
                    self.room(line);
                    let (page, top) = (self.pages.len() - 1, self.y);
                    self.text(Style::Regular, BODY, false, MARGIN + 12.0, width - 12.0, item);
                    let y = top - line + (line - BODY) / 2.0 + BODY * 0.2;
                    let bullet = Mark::Text {
                        style: Style::Regular,
                        size: BODY,
                        grey: false,
                        x: MARGIN + 2.0,
                        y,
                        text: "•".into(),
                    };
                    if let Some(p) = self.pages.get_mut(page) {
                        p.push(bullet);
                    }
                }
                self.gap(6.0);
            }
            Block::Facts(pairs) => {
                let rows: Vec<Vec<String>> = pairs.iter().map(|(k, v)| vec![k.clone(), v.clone()]).collect();
                self.table(&[0.32, 0.68], None, &rows, true);
                self.gap(8.0);
            }
            Block::Table { widths, header, rows } => {
                self.table(widths, Some(header), rows, false);
                self.gap(8.0);
            }
        }
    }

    /// One table: each row's cells wrapped in their columns. A row goes whole to the next page
    /// when it does not fit on this one, and is split between lines only when taller than a page;
    /// the header is repeated on each page the table continues on.
    fn table(&mut self, shares: &[f32], header: Option<&Vec<String>>, rows: &[Vec<String>], first_bold: bool) {
        let width = PAGE_WIDTH - 2.0 * MARGIN;
        let mut columns = Vec::with_capacity(shares.len());
        let mut x = MARGIN;
        for share in shares {
            columns.push((x, share * width));
            x += share * width;
        }
        let cells = |fonts: &Fonts, row: &[String], all_bold: bool| -> Vec<(Style, Vec<String>)> {
            row.iter()
                .zip(&columns)
                .enumerate()
                .map(|(i, (text, (_, w)))| {
                    let style = if all_bold || (first_bold && i == 0) { Style::Bold } else { Style::Regular };
                    (style, wrap(fonts.get(style), text, BODY, w - 2.0 * CELL_PAD))
                })
                .collect()
        };
        let header = header.map(|h| cells(self.fonts, h, true));
        let header_lines = header.as_deref().map(lines_of).unwrap_or(0);
        let rule = |this: &mut Self| this.mark(Mark::Rule { x1: MARGIN, x2: MARGIN + width, y: this.y });
        let start_page = |this: &mut Self| {
            rule(this);
            if let Some(h) = &header {
                this.draw_row(&columns, h, 0, header_lines);
                rule(this);
            }
        };
        let first = rows.first().map(|r| lines_of(&cells(self.fonts, r, false))).unwrap_or(0);
        self.room(row_height(header_lines) + row_height(first));
        start_page(self);
        let full_page = PAGE_HEIGHT - MARGIN - Self::bottom() - row_height(header_lines);
        for row in rows {
            let c = cells(self.fonts, row, false);
            let total = lines_of(&c);
            if self.y - row_height(total) < Self::bottom() && row_height(total) <= full_page {
                self.new_page();
                start_page(self);
            }
            let mut from = 0;
            while from < total {
                let fit = (((self.y - Self::bottom() - 2.0 * CELL_PAD) / (BODY * LEADING)).floor().max(0.0) as usize)
                    .min(total - from);
                if fit == 0 {
                    self.new_page();
                    start_page(self);
                    continue;
                }
                self.draw_row(&columns, &c, from, from + fit);
                rule(self);
                from += fit;
            }
        }
    }

    /// Lines `from..to` of a row's cells, from the cursor down; moves the cursor below them.
    fn draw_row(&mut self, columns: &[(f32, f32)], cells: &[(Style, Vec<String>)], from: usize, to: usize) {
        let line = BODY * LEADING;
        let top = self.y;
        for ((style, lines), (x, _)) in cells.iter().zip(columns) {
            for (n, text) in lines.iter().enumerate().take(to).skip(from) {
                let y = top - CELL_PAD - ((n - from) as f32 + 1.0) * line + (line - BODY) / 2.0 + BODY * 0.2;
                self.mark(Mark::Text {
                    style: *style,
                    size: BODY,
                    grey: false,
                    x: x + CELL_PAD,
                    y,
                    text: text.clone(),
                });
            }
        }
        self.y -= row_height(to - from);
    }
}

/// How many lines a row's tallest cell has.
fn lines_of(cells: &[(Style, Vec<String>)]) -> usize {
    cells.iter().map(|(_, l)| l.len()).max().unwrap_or(1)
}

fn row_height(lines: usize) -> f32 {
    if lines == 0 { 0.0 } else { lines as f32 * BODY * LEADING + 2.0 * CELL_PAD }
}

fn deflate(data: &[u8]) -> Result<Vec<u8>, PdfError> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
    encoder.write_all(data)?;
    Ok(encoder.finish()?)
}

/// The glyphs of one font that the document uses, renumbered for its subset.
struct Used {
    remapper: subsetter::GlyphRemapper,
    /// Subset glyph id → the character it draws (for the ToUnicode map).
    chars: BTreeMap<u16, char>,
}

impl Used {
    fn new() -> Self {
        Used { remapper: subsetter::GlyphRemapper::new(), chars: BTreeMap::new() }
    }
    fn encode(&mut self, font: &Font, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let id = self.remapper.remap(font.glyph(c));
            self.chars.entry(id).or_insert(c);
            out.extend_from_slice(&id.to_be_bytes());
        }
        out
    }
}

/// Lays the document out and writes it as PDF bytes.
pub fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let fonts = Fonts::load()?;
    let mut layout = Layout::new(&fonts);
    for block in &doc.blocks {
        layout.block(block);
    }
    let mut pages = layout.pages;
    let total = pages.len();
    for (n, page) in pages.iter_mut().enumerate() {
        let label = (doc.page_label)(n + 1, total);
        let w = fonts.regular.width(&label, SMALL);
        page.push(Mark::Text {
            style: Style::Regular,
            size: SMALL,
            grey: true,
            x: PAGE_WIDTH - MARGIN - w,
            y: MARGIN,
            text: label,
        });
    }

    // The content streams first: they decide which glyphs each subset keeps.
    let mut used = [Used::new(), Used::new()];
    let mut contents = Vec::with_capacity(total);
    for page in &pages {
        let mut content = Content::new();
        for mark in page {
            match mark {
                Mark::Text { style, size, grey, x, y, text } => {
                    let index = if *style == Style::Regular { 0 } else { 1 };
                    let bytes = used[index].encode(fonts.get(*style), text);
                    let grey_level = if *grey { 0.35 } else { 0.0 };
                    content.set_fill_gray(grey_level);
                    content.begin_text();
                    content.set_font(Name(if index == 0 { b"F1" } else { b"F2" }), *size);
                    content.next_line(*x, *y);
                    content.show(Str(&bytes));
                    content.end_text();
                }
                Mark::Rule { x1, x2, y } => {
                    content.set_stroke_gray(0.6);
                    content.set_line_width(0.5);
                    content.move_to(*x1, *y);
                    content.line_to(*x2, *y);
                    content.stroke();
                }
            }
        }
        contents.push(deflate(&content.finish().into_vec())?);
    }

    let mut pdf = Pdf::new();
    let mut next = 1;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let catalog = alloc();
    let tree = alloc();
    let info = alloc();
    let font_refs: Vec<Ref> = (0..2).map(|_| alloc()).collect();
    let page_refs: Vec<(Ref, Ref)> = (0..total).map(|_| (alloc(), alloc())).collect();

    pdf.catalog(catalog).pages(tree).lang(TextStr(doc.lang));
    pdf.document_info(info).title(TextStr(&doc.title)).producer(TextStr("Achat Ouvert"));
    pdf.pages(tree).kids(page_refs.iter().map(|(p, _)| *p)).count(total as i32);
    for ((page_ref, content_ref), content) in page_refs.iter().zip(&contents) {
        let mut page = pdf.page(*page_ref);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT)).parent(tree).contents(*content_ref);
        let mut resources = page.resources();
        let mut font_dict = resources.fonts();
        font_dict.pair(Name(b"F1"), font_refs[0]);
        font_dict.pair(Name(b"F2"), font_refs[1]);
        font_dict.finish();
        resources.finish();
        page.finish();
        pdf.stream(*content_ref, content).filter(Filter::FlateDecode);
    }

    for (index, style) in [Style::Regular, Style::Bold].into_iter().enumerate() {
        let font = fonts.get(style);
        let used = &used[index];
        let (cid_ref, descriptor_ref, cmap_ref, file_ref) = (alloc(), alloc(), alloc(), alloc());
        // A subset's name starts with six capital letters and a plus sign (PDF 32000, 9.6.4).
        let base = match style {
            Style::Regular => "AOAAAA+DejaVuSans",
            Style::Bold => "AOAAAB+DejaVuSans-Bold",
        };
        let system = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };

        pdf.type0_font(font_refs[index])
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_ref)
            .to_unicode(cmap_ref);

        let mut cid = pdf.cid_font(cid_ref);
        cid.subtype(CidFontType::Type2)
            .base_font(Name(base.as_bytes()))
            .system_info(system)
            .font_descriptor(descriptor_ref)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        let widths: Vec<f32> = used.remapper.remapped_gids().map(|old| font.advance(old)).collect();
        cid.widths().consecutive(0, widths);
        cid.finish();

        let face = &font.face;
        let scale = |v: i16| f32::from(v) * 1000.0 / font.units;
        let bbox = face.global_bounding_box();
        let mut flags = FontFlags::NON_SYMBOLIC;
        if style == Style::Bold {
            flags |= FontFlags::FORCE_BOLD;
        }
        pdf.font_descriptor(descriptor_ref)
            .name(Name(base.as_bytes()))
            .flags(flags)
            .bbox(Rect::new(scale(bbox.x_min), scale(bbox.y_min), scale(bbox.x_max), scale(bbox.y_max)))
            .italic_angle(0.0)
            .ascent(scale(face.ascender()))
            .descent(scale(face.descender()))
            .cap_height(face.capital_height().map(scale).unwrap_or(scale(face.ascender())))
            .stem_v(if style == Style::Bold { 140.0 } else { 80.0 })
            .font_file2(file_ref);

        let mut cmap = UnicodeCmap::new(Name(b"Custom"), system);
        for (glyph, c) in &used.chars {
            cmap.pair(*glyph, *c);
        }
        pdf.cmap(cmap_ref, &cmap.finish().into_vec());

        let subset = subsetter::subset(font.data, 0, &used.remapper).map_err(|e| PdfError::Subset(e.to_string()))?;
        let compressed = deflate(&subset)?;
        pdf.stream(file_ref, &compressed).filter(Filter::FlateDecode).pair(Name(b"Length1"), subset.len() as i32);
    }
    Ok(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> Fonts {
        Fonts::load().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn wrap_breaks_at_spaces_and_inside_words_too_long_for_the_line() {
        let f = fonts();
        let lines = wrap(&f.regular, "un deux trois quatre", BODY, f.regular.width("un deux", BODY) + 0.1);
        assert_eq!(lines, vec!["un deux", "trois", "quatre"]);
        let hash = "0123456789abcdef".repeat(4);
        let width = f.regular.width(&hash[..20], BODY) + 0.1;
        let lines = wrap(&f.regular, &hash, BODY, width);
        assert_eq!(lines.concat(), hash, "nothing lost when a word is cut");
        assert!(lines.iter().all(|l| f.regular.width(l, BODY) <= width));
        assert_eq!(wrap(&f.regular, "a\nb", BODY, 100.0), vec!["a", "b"]);
    }

    #[test]
    fn a_long_document_gets_several_numbered_pages_and_embeds_its_font() {
        let rows: Vec<Vec<String>> =
            (0..120).map(|i| vec![format!("Pièce {i}"), "1 024".into(), "ab".repeat(32)]).collect();
        let doc = Document {
            title: "Essai".into(),
            lang: "fr",
            blocks: vec![
                Block::Title("Accusé de réception".into()),
                Block::Facts(vec![("Numéro".into(), "AO-1".into())]),
                Block::List(vec!["élément".into()]),
                // A value taller than a page is split between lines, not lost or looped on.
                Block::Facts(vec![("Motifs".into(), "motif ".repeat(4000))]),
                Block::Table {
                    widths: vec![0.4, 0.15, 0.45],
                    header: vec!["Nom".into(), "Taille".into(), "SHA-256".into()],
                    rows,
                },
            ],
            page_label: Box::new(|n, total| format!("Page {n} sur {total}")),
        };
        let bytes = render(&doc).unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(text.contains("/FontFile2"), "a TrueType font is embedded");
        assert!(text.contains("/ToUnicode"), "the text can be extracted");
        let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
        assert!(pages > 2, "several pages: {pages}");
        assert!(bytes.len() < 200_000, "the fonts are subset: {} bytes", bytes.len());
    }
}
