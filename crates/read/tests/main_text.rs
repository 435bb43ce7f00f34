//! Main-text choices on small hand-written pages: one behaviour of the content scorer each.

use domain::RawPage;

fn text_of(html: &str) -> String {
    read::read(&RawPage::new(html.as_bytes().to_vec(), None)).0.text
}

/// A paragraph of invented prose, `n` sentences long.
fn prose(topic: &str, n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "The {topic} committee met again on day {i}, heard from residents, farmers and officials, \
                 and agreed to publish its notes, its costs and its plans before the next meeting."
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_small_box_named_content_does_not_beat_the_article() {
    let html = format!(
        r#"<html><body>
<div class="sidebar-box"><div class="content"><p>Short note about the weather today.</p></div></div>
<div class="wrap"><div class="x1"><p>{}</p><p>{}</p><p>{}</p></div></div>
</body></html>"#,
        prose("river", 2),
        prose("harbour", 2),
        prose("bridge", 2)
    );
    let text = text_of(&html);
    assert!(text.contains("The river committee"), "{text}");
    assert!(text.contains("The bridge committee"), "{text}");
    assert!(!text.contains("weather"), "{text}");
}

#[test]
fn component_prefix_cmp_is_not_a_consent_banner() {
    let html = format!(
        r#"<html><body><div class="cmp-container"><div class="cmp-text"><p>{}</p><p>{}</p></div></div>
<div class="cookie-consent"><p>We use cookies on this site. Accept all cookies or manage them.</p></div>
</body></html>"#,
        prose("orchard", 2),
        prose("library", 2)
    );
    let text = text_of(&html);
    assert!(text.contains("The orchard committee"), "{text}");
    assert!(!text.contains("cookies"), "{text}");
}

#[test]
fn taxonomy_classes_do_not_make_a_post_furniture() {
    // WordPress puts "category-…" and "tag-…" on the post element: a short post tagged
    // "comments" or filed under "meta" is still the article.
    let html = r#"<html><body><main>
<h1>Open thread</h1>
<article class="post type-post category-open-thread tag-comments category-meta">
<div class="text-body"><p>This is our quarterly open thread, a place to raise questions about our work below.</p></div>
</article>
<div id="comments" class="comments-area"><ol>
<li class="comment"><p>A first reader asks a long question about the budget, the staff and the plans for next year, and thanks the team.</p></li>
<li class="comment"><p>A second reader asks another long question about the method, the sources and the reviews, and waits for an answer.</p></li>
</ol></div></main></body></html>"#;
    let text = text_of(html);
    assert!(text.contains("quarterly open thread"), "{text}");
    assert!(!text.contains("first reader"), "{text}");
}

#[test]
fn loose_text_beside_blocks_is_scored() {
    let html = format!(
        r#"<html><body>
<div class="col-3"><ul><li><a href="/a">Archive one</a></li><li><a href="/b">Archive two</a></li></ul></div>
<div class="col-9"><p class="title">A headline in a paragraph</p><small>Posted by the desk</small><br><br>
{}<br><br>{}
<div class="row"><a href="/share">Share</a></div></div>
<div class="col-3"><p>Contact the city hall, phone, street and postal box, open on weekdays.</p></div>
</body></html>"#,
        prose("school", 3),
        prose("market", 3)
    );
    let text = text_of(&html);
    assert!(text.contains("The school committee"), "{text}");
    assert!(text.contains("The market committee"), "{text}");
    assert!(!text.contains("Archive one"), "{text}");
}

#[test]
fn an_unclosed_aside_holding_the_page_is_not_a_sidebar() {
    let html = format!(
        r#"<html><body><aside class="announcement"><a href="/news">News: we moved</a>
<nav><a href="/">Home</a> <a href="/blog">Blog</a></nav>
<div class="post"><h1>Notes from the fair</h1><p>{}</p><p>{}</p></div>
<footer>Copyright the fair people</footer></body></html>"#,
        prose("fair", 3),
        prose("stall", 3)
    );
    let text = text_of(&html);
    assert!(text.contains("The fair committee"), "{text}");
    assert!(text.contains("The stall committee"), "{text}");
    assert!(!text.contains("Copyright"), "{text}");
}

#[test]
fn an_end_cue_followed_by_as_much_prose_is_inside_the_article() {
    let page = |after: &str| {
        format!(
            r#"<html><body><article><h1>Field notes</h1><p>{}</p><p>{}</p>
<h3>About the author</h3>{after}</article></body></html>"#,
            prose("canal", 2),
            prose("depot", 2)
        )
    };
    let long =
        format!("<p>{}</p><p>{}</p><p>{}</p>", prose("ferry", 2), prose("tunnel", 2), prose("quay", 1));
    let text = text_of(&page(&long));
    assert!(text.contains("The tunnel committee"), "{text}");
    assert!(text.contains("The quay committee"), "{text}");
    assert!(!text.contains("About the author"), "{text}");
    let bio =
        "<p>Ada Brook writes about rivers and towns for the paper, and lives by the sea with two cats.</p>";
    let text = text_of(&page(bio));
    assert!(text.contains("The depot committee"), "{text}");
    assert!(!text.contains("Ada Brook"), "{text}");
}

#[test]
fn list_items_count_as_prose_when_the_root_is_widened_over_sections() {
    let items = |topic: &str| {
        (0..6)
            .map(|i| format!("<li>Step {i} for the {topic}: measure twice, write it down, and check it with a friend</li>"))
            .collect::<String>()
    };
    let html = format!(
        r#"<html><body><nav><a href="/">Home</a> <a href="/tips">Tips</a></nav>
<div class="page"><div class="block"><div class="inner"><p>{}</p><p>{}</p></div></div>
<div class="block"><div class="inner"><h2>Tools</h2><ul>{}</ul></div></div>
<div class="block"><div class="inner"><h2>Wood</h2><ul>{}</ul></div></div></div>
<footer><a href="/about">About us</a></footer></body></html>"#,
        prose("workshop", 2),
        prose("shed", 2),
        items("saw"),
        items("plank")
    );
    let text = text_of(&html);
    assert!(text.contains("The shed committee"), "{text}");
    assert!(text.contains("Step 3 for the saw"), "{text}");
    assert!(text.contains("Step 5 for the plank"), "{text}");
}

#[test]
fn hidden_elements_are_left_out() {
    let html = format!(
        r#"<html><body><article><h1>Harbour day</h1><p>{}</p>
<p style="display : NONE">Hidden by style.</p><div aria-hidden="true">Hidden for readers.</div>
<p hidden>Hidden by attribute.</p><span class="sr-only">Hidden by class.</span><p>{}</p></article></body></html>"#,
        prose("harbour", 2),
        prose("pier", 2)
    );
    let text = text_of(&html);
    assert!(text.contains("The pier committee"), "{text}");
    assert!(!text.contains("Hidden"), "{text}");
}

#[test]
fn short_teaser_posts_beside_the_article_are_not_merged_into_it() {
    let teaser = |topic: &str| {
        format!(
            r#"<article class="post"><h2><a href="/{topic}">{topic}</a></h2><p>{}</p></article>"#,
            prose(topic, 1)
        )
    };
    let html = format!(
        r#"<html><body><div id="primary"><article class="post"><h1>Main story</h1><p>{}</p><p>{}</p><p>{}</p><p>{}</p></article>
{}{}{}</div></body></html>"#,
        prose("valley", 2),
        prose("hill", 2),
        prose("lake", 2),
        prose("forest", 2),
        teaser("garden"),
        teaser("meadow"),
        teaser("orchard")
    );
    let text = text_of(&html);
    assert!(text.contains("The forest committee"), "{text}");
    assert!(!text.contains("The meadow committee"), "{text}");
}
