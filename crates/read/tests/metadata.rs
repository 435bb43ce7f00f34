//! Metadata choices (issue #6) on small hand-written pages: one behaviour each. Names and
//! sites are invented.

use domain::{Article, RawPage};

fn read_page(html: &str) -> Article {
    read::read(&RawPage::new(html.as_bytes().to_vec(), None)).0
}

const BODY: &str = "<p>Officials sent forty fishermen back across the strait on Friday, their families \
    said, in the first such return this year.</p><p>The men were driven to the port, put on a ferry \
    and handed to the coast guard on the other side, two relatives said on Saturday.</p>";

/// A page with `head` in its `<head>` and `header` between the headline and the text.
fn page(head: &str, header: &str) -> String {
    format!(
        "<!doctype html><html><head><title>Boats sent back at dawn | The Lantern</title>{head}</head>\
         <body><main><article><h1>Boats sent back at dawn</h1>{header}<div class=\"article-body\">{BODY}</div>\
         </article></main></body></html>"
    )
}

#[test]
fn labels_after_a_pipe_are_no_part_of_the_title_issue_6() {
    let html = "<!doctype html><html><head><title>Why the harbour emptied | Opinion | The Lantern</title></head>\
        <body><main><article><h1>Why the harbour emptied | Opinion</h1>\
        <div class=\"article-body\"><p>Officials sent forty fishermen back across the strait on Friday.</p></div>\
        </article></main></body></html>";
    assert_eq!(read_page(html).title.as_deref(), Some("Why the harbour emptied"));
}

#[test]
fn a_byline_keeps_the_authors_credentials_issue_6() {
    let html = page("", r#"<p class="byline">Written by <a href="/team/ana">Ana Ruiz, MS, RD</a></p>"#);
    assert_eq!(read_page(&html).author.as_deref(), Some("Ana Ruiz, MS, RD"));
    let meta = page(r#"<meta name="author" content="Tom Lee, DVM">"#, "");
    assert_eq!(read_page(&meta).author.as_deref(), Some("Tom Lee, DVM"));
}
