//! What of a post file is the post: Markdown-aware extraction of the text the
//! engine lints, with a [`SourceMap`] back to the file.
//!
//! Teams write posts in Markdown next to notes for each other. What is not prose is
//! cut before linting, so it neither raises warnings nor counts toward the length:
//!
//! - **code** (fenced and indented blocks, inline code): `#include` is not a
//!   hashtag and `GET /API` is not shouting. Social networks do not render code
//!   blocks; a post that needs one is an article. Cut code is not counted toward
//!   the channel's length either — false alarms cost more trust than misses.
//! - **HTML** (blocks, inline tags, comments): comments are notes to the team and
//!   carry `unbroadcast-*` directives; none of it is published as text.
//! - **images** (`![alt](src)`): an attachment, not words of the post.
//! - **link syntax**: `[text](url "title")` reaches the engine as `text url`. The
//!   link text is prose; the URL stays, as a link, because it is published and
//!   the link rules (link-only, URL shorteners) and the channel's length (a URL
//!   counts 23 on X) need it. Reference definitions (`[r]: url`) are cut; a
//!   reference link carries its URL to where it is used.
//!
//! Plain text files (`.txt`) are taken as they are, except for `<!--
//! unbroadcast-… -->` directive comments, which are cut the same way.

use super::sourcemap::{Builder, SourceMap};
use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// The post text of a file, where it came from, and the HTML comments found
/// outside code (candidates for directives).
#[derive(Debug, Clone)]
pub struct Prose {
    pub text: String,
    pub map: SourceMap,
    /// File byte ranges of HTML comments (`<!-- … -->`), in order.
    pub comments: Vec<Range<usize>>,
}

/// What happens to a range of the body.
#[derive(Debug)]
enum Cut {
    Drop,
    /// Replaced by this text.
    Write(String),
}

#[derive(Debug)]
struct CutAt {
    range: Range<usize>,
    cut: Cut,
    /// A whole block: blank lines after it are dropped too, so a cut code block
    /// leaves one paragraph break, not three.
    block: bool,
}

struct OpenLink {
    range: Range<usize>,
    kind: LinkType,
    dest: String,
    label_end: usize,
}

/// Extracts the post from a Markdown `body` that starts at `offset` in its file.
pub fn markdown(body: &str, offset: usize) -> Prose {
    let parser = Parser::new_ext(body, Options::empty());
    let mut cuts: Vec<CutAt> = parser
        .reference_definitions()
        .iter()
        .map(|(_, def)| CutAt { range: def.span.clone(), cut: Cut::Drop, block: true })
        .collect();
    let mut html: Vec<Range<usize>> = Vec::new();
    let mut links: Vec<OpenLink> = Vec::new();
    // Depth inside a construct that is cut whole (code block, HTML block, image).
    let mut skip = 0usize;
    for (event, r) in parser.into_offset_iter() {
        if let Some(link) = links.last_mut()
            && !matches!(event, Event::End(TagEnd::Link))
        {
            link.label_end = link.label_end.max(r.end);
        }
        if skip > 0 {
            match event {
                Event::Start(_) => skip += 1,
                Event::End(_) => skip -= 1,
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(_)) => {
                skip = 1;
                cuts.push(CutAt { range: r, cut: Cut::Drop, block: true });
            }
            Event::Start(Tag::HtmlBlock) => {
                skip = 1;
                html.push(r.clone());
                cuts.push(CutAt { range: r, cut: Cut::Drop, block: true });
            }
            Event::Start(Tag::Image { .. }) => {
                skip = 1;
                cuts.push(CutAt { range: r, cut: Cut::Drop, block: false });
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                html.push(r.clone());
                cuts.push(CutAt { range: r, cut: Cut::Drop, block: false });
            }
            Event::Code(_) => cuts.push(CutAt { range: r, cut: Cut::Drop, block: false }),
            Event::Start(Tag::Link { link_type, dest_url, .. }) => {
                links.push(OpenLink { label_end: r.start + 1, range: r, kind: link_type, dest: dest_url.into_string() })
            }
            Event::End(TagEnd::Link) => {
                if let Some(link) = links.pop() {
                    link_cuts(body, &link, &mut cuts);
                }
            }
            _ => {}
        }
    }
    let comments = html.iter().flat_map(|r| comments_in(body, r.clone())).map(|c| offset + c.start..offset + c.end);
    let comments = comments.collect();
    let (text, map) = assemble(body, offset, cuts);
    Prose { text, map, comments }
}

/// Extracts the post from a plain text `body`: all of it but directive comments.
pub fn plain(body: &str, offset: usize) -> Prose {
    let comments: Vec<Range<usize>> = comments_in(body, 0..body.len())
        .filter(|c| body[c.start + 4..c.end].trim_start().starts_with("unbroadcast"))
        .collect();
    let cuts = comments
        .iter()
        .map(|c| {
            let line_start = body[..c.start].rfind('\n').map_or(0, |i| i + 1);
            let alone = body[line_start..c.start].trim().is_empty();
            CutAt { range: c.clone(), cut: Cut::Drop, block: alone }
        })
        .collect();
    let (text, map) = assemble(body, offset, cuts);
    Prose { text, map, comments: comments.into_iter().map(|c| offset + c.start..offset + c.end).collect() }
}

/// Cuts for one link: the brackets go, the label stays, the URL follows the label.
fn link_cuts(body: &str, link: &OpenLink, cuts: &mut Vec<CutAt>) {
    let r = &link.range;
    if matches!(link.kind, LinkType::Autolink | LinkType::Email) {
        // `<https://…>`: the URL is the text; only the angle brackets go.
        cuts.push(CutAt { range: r.start..r.start + 1, cut: Cut::Drop, block: false });
        cuts.push(CutAt { range: r.end - 1..r.end, cut: Cut::Drop, block: false });
        return;
    }
    let label_end = link.label_end.min(r.end);
    cuts.push(CutAt { range: r.start..r.start + 1, cut: Cut::Drop, block: false });
    let tail = label_end..r.end;
    let label = body[r.start + 1..label_end].trim();
    // `[https://ex.com](https://ex.com)` names its URL once, not twice.
    if link.dest.is_empty() || label == link.dest || link.dest.split_once("://").is_some_and(|(_, rest)| rest == label)
    {
        cuts.push(CutAt { range: tail, cut: Cut::Drop, block: false });
        return;
    }
    let inline = matches!(link.kind, LinkType::Inline);
    match body[tail.clone()].find(link.dest.as_str()).filter(|_| inline) {
        // The URL as written in the file: the engine sees it where it is.
        Some(i) => {
            let url = tail.start + i..tail.start + i + link.dest.len();
            cuts.push(CutAt { range: tail.start..url.start, cut: Cut::Write(" ".into()), block: false });
            cuts.push(CutAt { range: url.end..tail.end, cut: Cut::Drop, block: false });
        }
        // A reference link, or an escaped URL: the resolved URL stands for the tail.
        None => cuts.push(CutAt { range: tail, cut: Cut::Write(format!(" {}", link.dest)), block: false }),
    }
}

/// `<!-- … -->` comments that start in `range` of `text` (an unclosed one runs to
/// the end of the range).
fn comments_in(text: &str, range: Range<usize>) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut at = range.start;
    std::iter::from_fn(move || {
        let start = at + text[at..range.end].find("<!--")?;
        let end = text[start + 4..range.end].find("-->").map_or(range.end, |i| start + 4 + i + 3);
        at = end;
        Some(start..end)
    })
}

fn assemble(body: &str, offset: usize, mut cuts: Vec<CutAt>) -> (String, SourceMap) {
    cuts.sort_by_key(|c| (c.range.start, std::cmp::Reverse(c.range.end)));
    let mut b = Builder::default();
    let mut pos = 0;
    let mut after_block = false;
    for c in cuts {
        if c.range.start < pos {
            continue; // inside a cut already made
        }
        copy_gap(&mut b, body, pos..c.range.start, offset, after_block);
        if let Cut::Write(s) = &c.cut {
            b.write(s, offset + c.range.start..offset + c.range.end);
        }
        pos = c.range.end;
        after_block = c.block;
    }
    copy_gap(&mut b, body, pos..body.len(), offset, after_block);
    b.finish(offset + body.len())
}

/// Copies a stretch of the body; right after a cut block, the blank lines that
/// separated it from what follows go with it.
fn copy_gap(b: &mut Builder, body: &str, mut gap: Range<usize>, offset: usize, after_block: bool) {
    if after_block && (b.text().is_empty() || b.text().ends_with('\n')) {
        while let Some(nl) = body[gap.clone()].find('\n') {
            if !body[gap.start..gap.start + nl].trim().is_empty() {
                break;
            }
            gap.start += nl + 1;
        }
    }
    b.copy(body, gap, offset);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file text under the file range the map gives for `needle` in the post.
    fn back<'a>(file: &'a str, p: &Prose, needle: &str) -> &'a str {
        let at = p.text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in {:?}", p.text));
        let r = p.map.range(at..at + needle.len());
        &file[r]
    }

    #[test]
    fn code_html_and_images_are_cut() {
        let file = "Intro with `GET /API` and <b>bold</b>.\n\n```sh\n#include SHOUT\n```\n\n<!-- a note -->\n\nLast ![alt](a.png) line.\n";
        let p = markdown(file, 0);
        assert_eq!(p.text, "Intro with  and bold.\n\nLast  line.");
        assert_eq!(back(file, &p, "Last"), "Last");
        assert_eq!(p.comments.iter().map(|c| &file[c.clone()]).collect::<Vec<_>>(), ["<!-- a note -->"]);
    }

    #[test]
    fn links_keep_text_and_url() {
        let file = "See [our menu](https://ex.com/menu \"Menu\"), <https://auto.link> and [ref][r].\n\n[r]: https://ex.com/r\n";
        let p = markdown(file, 0);
        assert_eq!(p.text, "See our menu https://ex.com/menu, https://auto.link and ref https://ex.com/r.");
        assert_eq!(back(file, &p, "https://ex.com/menu"), "https://ex.com/menu");
        assert_eq!(back(file, &p, "our menu"), "our menu");
        assert_eq!(back(file, &p, "https://auto.link"), "https://auto.link");
        // The reference's URL stands for the `][r]` it replaces.
        assert_eq!(back(file, &p, " https://ex.com/r"), "][r]");
        let p = markdown("[https://ex.com](https://ex.com)", 0);
        assert_eq!(p.text, "https://ex.com");
    }

    #[test]
    fn comments_in_code_are_not_directives() {
        let file = "Text.\n\n```\n<!-- unbroadcast-disable bait -->\n```\n\nInline <!-- unbroadcast-disable-line bait --> here.\n";
        let p = markdown(file, 10);
        assert_eq!(p.comments.len(), 1);
        assert_eq!(&file[p.comments[0].start - 10..p.comments[0].end - 10], "<!-- unbroadcast-disable-line bait -->");
    }

    #[test]
    fn positions_survive_multibyte_text() {
        let file = "مرحبا `كود` يا Anna 👋🏽 [رابط](https://ex.com)";
        let p = markdown(file, 0);
        assert_eq!(back(file, &p, "Anna"), "Anna");
        assert_eq!(back(file, &p, "رابط"), "رابط");
        assert_eq!(back(file, &p, "https://ex.com"), "https://ex.com");
    }

    #[test]
    fn plain_text_cuts_only_directives() {
        let file = "<!-- unbroadcast-disable bait -->\nLike and share! <!-- a note --> `code`\n";
        let p = plain(file, 0);
        assert_eq!(p.text, "Like and share! <!-- a note --> `code`");
        assert_eq!(p.comments.len(), 1);
        assert_eq!(back(file, &p, "share"), "share");
    }
}
