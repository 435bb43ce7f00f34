//! HTML pages (placeholder: text of the body).

use domain::{Article, Diagnostic};

pub fn read_html(input: &str, _url: Option<&str>, _diagnostics: &mut Vec<Diagnostic>) -> Article {
    let doc = scraper::Html::parse_document(input);
    let text = doc.root_element().text().collect::<Vec<_>>().join(" ");
    Article { text, ..Article::default() }
}
