//! Cues that a block of a page is not article text, and what kind of boilerplate it is.
//!
//! The cues look at the start of a block and its size. A *hard* cue marks a section that
//! ends the article (author box, related posts, comments, tags, copyright, credits); a soft
//! one is removed where it stands and the article may go on after it ("Keep reading",
//! share lines, cookie notices).

use std::sync::LazyLock;

use domain::BoilerplateKind;
use regex::Regex;

use crate::re;

/// Why a block is boilerplate and whether the article ends there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cue {
    pub kind: BoilerplateKind,
    pub ends_article: bool,
}

impl Cue {
    const fn hard(kind: BoilerplateKind) -> Cue {
        Cue { kind, ends_article: true }
    }

    const fn soft(kind: BoilerplateKind) -> Cue {
        Cue { kind, ends_article: false }
    }
}

static END_MARK: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(?:\(end\)|ends?|-30-|#{3}|\[?end of (?:article|story)\]?)$"));
static SIGNATURE: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:—|--|–|―)\s*(\S.*)?$"));
static SEPARATOR: LazyLock<Regex> = LazyLock::new(|| re(r"^[-*_=~•·]{3,}$|^(?:\*\s*){3,}$"));
static CREDITS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\(?\s*(?:additional\s+)?(?:reporting|editing|writing|edited|compiled|produced|research|translated|translation|graphics|fact-checking)(?:\s+and\s+\w+)?\s+by\b",
    )
});
static ABOUT_AUTHOR: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(?:about|more about|meet) the (?:author|authors|writer|contributor)s?\s*:?$"));
static ABOUT: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:About|ABOUT)\s+(.+?)\s*:?$"));
static VIEWS: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(?:the views expressed (?:here |in this \w+ )?are|views are (?:her|his|their) own)")
});
static RELATED_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:recent|latest|popular|top|trending|related|featured|recommended|more)(?:\s+(?:posts?|articles?|stories|news|entries|reads|releases|content|coverage|links|headlines|videos|reading|this week|now|today|for you))?\s*:?$",
    )
});
static RELATED_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:related\b|more (?:from|on|in|about|stories|releases|news|like this)\b|most (?:read|popular|viewed|shared|recent|commented)\b|read (?:next|also)\b|also (?:read|on|in)\b|you (?:may|might) (?:also )?(?:like|enjoy|be interested)\b|you(?:'ll|’ll| will) also (?:love|like|enjoy)\b|further reading\b|see also\b|editor'?s'? picks\b|don'?t miss\b|what to read next\b|in case you missed it\b|popular (?:this|on|in|now)\b|trending (?:now|on|in)\b|explore more\b|other stories\b|latest (?:from|in|on)\b|read (?:this|these) next\b|(?:other|more) (?:\S+ ){0,3}(?:posts|articles|stories|blogs?) you(?:'ll|’ll| will| might| may)? (?:love|like|enjoy)\b|other (?:interesting|related|popular|recent|similar) (?:articles|posts|stories|reads)\b|recommended? (?:posts|articles|reads|stories)\b|recent posts on\b|good (?:articles|posts|reads) to read\b)",
    )
});
static COMMENTS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:(?:\d[\d,]*\s+)?(?:comments?|responses?|replies|reactions)(?:\s*\(\d[\d,]*\))?(?:\s*[|:·].*)?$|\d[\d,]*\s+thoughts?\s+on\b|(?:one|two|three|four|five)\s+thoughts?\s+on\b|leave a (?:reply|comment)|comments are closed|join the (?:conversation|discussion)|readers?'? comments|reader comments|conversation$|post a comment|add a comment|your email address will not be published|show comments|view comments|comments? \(\d+\)|discussion$|\d[\d,]*\s+comments?\b)",
    )
});
static TAGS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:tags|tagged(?: with| in)?|keywords|filed under|topics|categories|category|posted in|labels|more on these topics|related topics)\b\s*:?",
    )
});
static COPYRIGHT: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)^(?:©|&copy;|\(c\)\s|copyright\b)"));
static RIGHTS: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\ball rights reserved\b"));
static CONTACT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:media contacts?|press contacts?|press office|for (?:more|further) information|for (?:media )?(?:inquiries|enquiries)|media (?:inquiries|enquiries)|contact:|contacts:)",
    )
});
static EMAIL: LazyLock<Regex> = LazyLock::new(|| re(r"[\w.+-]+@[\w-]+\.[\w.-]+"));
static CONTACT_US: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(?:contact us|get in touch with us|email us|send us (?:a )?tips?|tip us off)\b")
});
static SIDEBAR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:sidebar|archives?|search(?: this (?:blog|site))?|categories|blogroll|navigation|menu|site map|sitemap|useful links|quick links|follow us|connect with us|find us on)\s*:?$",
    )
});
static COOKIE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bcookies?\b.*\b(?:use|uses|using|accept|policy|settings|consent|privacy|experience|agree|preferences|partners)\b|\b(?:use|uses|accept|manage)\b.*\bcookies?\b",
    )
});
static SHARE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:share\b|like this (?:story|article)\??\s*share|tweet\b|email this\b|copy link\b|print\b.*\bemail\b|share (?:this|on|via)\b)",
    )
});
static NETWORK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:facebook|twitter|whatsapp|linkedin|reddit|telegram|pinterest|email|e-mail|print|copy link|bluesky|threads|mastodon|x)\b",
    )
});
static FOLLOW: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^follow\b[^-].*(?:@\w|https?://|\b(?:twitter|facebook|instagram|linkedin|pinterest|tiktok|youtube|bluesky|threads|mastodon|full coverage)\b)",
    )
});
static MORE_STORIES: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^more(?:\s+\S+){1,2}\s+(?:stories|articles|news|reads|headlines)\s*:?$"));
static WIDGET_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:this (?:article|story|post|page) is (?:more than|over) .{1,20} old$|was this (?:article|page|post|information|answer) (?:helpful|useful)|did you find this (?:article|page|post) (?:helpful|useful)|click (?:on )?a star to|rate this (?:article|post|recipe|page|story)\b|\d+% of (?:people|readers|users) found this|already (?:have an account|a subscriber|a member|registered)\b.{0,30}(?:log ?in|sign ?in)|page \d+ of \d+$|adverts?$|how (?:useful|helpful) was this (?:post|article|page)|thank you!? your submission has been received|oops!? something went wrong while submitting|sorry,? (?:we (?:couldn['’]t|could not|can['’]t|cannot)|no |there (?:are|were) no)|we['’]re sorry\.? (?:it looks like|something|this (?:option|page|feature|content))|something went wrong\b|no (?:results|matches) (?:found|were found)\b)",
    )
});
static PHOTO_CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^in this (?:[\w.]+ \d{1,2}, \d{4},? )?(?:file |handout |undated |combination )?(?:photo|image|picture|photograph)s?(?:,| (?:provided|released|made available|taken|shot|made|from|shows|showing)\b)|^this (?:[\w.]+ \d{1,2}, \d{4},? )?(?:file |handout |undated )?(?:photo|image|picture)s? (?:provided|released|made available|taken|shows)\b",
    )
});
static APPEAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:(?:enjoyed|liked|loved|like|love) (?:this|the) (?:piece|article|story|post|read)\?.{0,100}\b(?:help|support|donat|subscri|join|contribut)|if you (?:enjoyed|liked|value|believe|appreciate|found)\b.{0,140}\b(?:support|donat|pitch(?:ing)? in|subscrib|proposition|contribut)|since you(?:['’]ve)? made it (?:to|this far)|a (?:word|note|message) to our (?:loyal |valued )?readers)",
    )
});
static SIGN_UP: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\b(?:sign up|subscribe|subscribing)\b"));
static DELIVERY: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:newsletter|inbox|issues for|delivered|letterbox)\b"));
static READER: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\b(?:you|your|our)\b"));
static ISSUES_OFFER: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\b\d+ issues for [£$€]\s?\d"));
static SHORTCODE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\[[a-z][a-z0-9_-]*(?:\s+[a-z_-]+=[^\]]*)?\]|^\[[a-z][a-z0-9_-]*\s+[a-z_-]+="));
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)^lorem ipsum\b"));
static LOADING: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)^loading(?:\s+\S+){0,2}?\s*(?:\.{3}|…)$"));
static REFERENCES: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:references|sources|article sources|footnotes|citations|works cited|bibliography|sources and references)\s*:?$",
    )
});
static INLINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:keep reading|continue reading|read more\b|read the (?:full|rest|complete)\b|advertisement|advertising|sponsored|promoted|skip to\b|click here\b|listen to (?:this )?(?:article|story)\b|reading time\b|\d+\s*min(?:ute)?s?\s+read\b|download (?:the|our|a)\b|subscribe\b|sign up\b|newsletter\b|support (?:independent|our|us)\b|donate\b|become a (?:member|supporter|subscriber)\b|join (?:\d|our|us)\b|follow (?:us|news|our)\b|get (?:the|our) [\w\s]*(?:newsletter|briefing|app|updates)\b|our standards\b|corrections?\?|report an error\b|watch:|video:|photo:|image:|picture:|recommended:|ad\b)",
    )
});
static PUBLISHED_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:published|posted|updated|last updated|first published|last modified|page last modified|date)\b(?:\s+on)?\s*:?",
    )
});
static OPENING_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:key (?:takeaways?|points|facts|findings|highlights)|(?:quick )?(?:summary|facts|overview)|at a glance|in (?:short|brief)|tl;? ?dr|introduction|intro|abstract|background|overview|the (?:short|quick) answer|the (?:rundown|bottom line)|highlights)\s*:?$",
    )
});
static CONTENTS_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:(?:table of )?contents|in this (?:article|post|guide|page|story|section)|on this page|jump to|article contents|what'?s inside|toc)\s*:?$",
    )
});
static LIST_ITEM: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:[-•*→>▪►‣◦]\s+|\d{1,2}[.)]\s+)"));
static NAV_SEPARATOR: LazyLock<Regex> = LazyLock::new(|| re(r"\s*[|›»]\s*|\s+[·•>/]\s+|\s{3,}"));

/// The cue for a block of text, judged from its first line and size.
pub fn cue(text: &str) -> Option<Cue> {
    use BoilerplateKind::*;
    let text = text.trim();
    let first = text.lines().next().unwrap_or("").trim();
    // Every size limit below is at most 80 words: longer texts are not counted to the end.
    let words = words_up_to(text, 81);
    let first_words = if first.len() == text.len() { words } else { words_up_to(first, 81) };
    let short = words <= 25;

    // Word counts are checked before patterns: most blocks are long paragraphs that no
    // pattern with a size limit can match.
    if first_words <= 4 && END_MARK.is_match(first) {
        return Some(Cue::hard(Other));
    }
    if first_words <= 6 && words <= 8 && SIGNATURE.is_match(first) {
        return Some(Cue::hard(Other));
    }
    if first_words <= 5 && SEPARATOR.is_match(first) {
        return Some(Cue::soft(Other));
    }
    // The apparatus after an article (its list of references or sources) is not its text.
    if first_words <= 3 && REFERENCES.is_match(first) {
        return Some(Cue::hard(Other));
    }
    // The publisher's appeal to readers after the article ("Enjoyed this piece? We need your
    // help…", "If you value our reporting, please support…", "A word to our readers").
    if words <= 70 && APPEAL.is_match(first) {
        return Some(Cue::hard(Other));
    }
    if words <= 40 && CREDITS.is_match(first) {
        return Some(Cue::hard(Other));
    }
    if (first_words <= 5 && ABOUT_AUTHOR.is_match(first)) || (words <= 80 && VIEWS.is_match(text)) {
        return Some(Cue::hard(AuthorBox));
    }
    if (first_words <= 4 && (RELATED_HEADER.is_match(first) || MORE_STORIES.is_match(first)))
        || ((first_words <= 8 || first.contains(':')) && RELATED_LEAD.is_match(first))
    {
        // "Related: <one story's title>" alone is a link set inline in the text: the article
        // goes on after it.
        if !text.contains('\n') && is_inline_link_line(first) {
            return Some(Cue::soft(RelatedPosts));
        }
        return Some(Cue::hard(RelatedPosts));
    }
    if first_words <= 12 && COMMENTS.is_match(first) {
        return Some(Cue::hard(Comments));
    }
    if words <= 50 && !ends_sentence(first) && TAGS.is_match(first) {
        return Some(Cue::hard(Other));
    }
    if words <= 60 && (COPYRIGHT.is_match(first) || RIGHTS.is_match(text)) {
        return Some(Cue::hard(Other));
    }
    if words <= 50 && CONTACT.is_match(first) {
        return Some(Cue::hard(Other));
    }
    if words <= 50 && EMAIL.is_match(text) {
        return Some(Cue::soft(Other));
    }
    if first_words <= 4 && SIDEBAR.is_match(first) {
        return Some(Cue::hard(Navigation));
    }
    if first_words <= 8
        && let Some(caps) = ABOUT.captures(first)
        && caps.get(1).is_some_and(|m| crate::byline::is_name(m.as_str(), true))
    {
        return Some(Cue::hard(AuthorBox));
    }
    if words <= 70 && COOKIE.is_match(text) {
        return Some(Cue::soft(CookieNotice));
    }
    if short && (SHARE.is_match(first) || NETWORK.find_iter(text).count() >= 3) {
        return Some(Cue::soft(ShareButtons));
    }
    // An invitation to follow the site or its coverage elsewhere ("Follow @Desk on X",
    // "Follow our full coverage at https://…").
    if words <= 60 && FOLLOW.is_match(first) {
        return Some(Cue::soft(ShareButtons));
    }
    // The page's own furniture: a rating or feedback widget, a log-in prompt, a notice of
    // the article's age, a pager, a widget's messages for when it fails or finds nothing.
    if words <= 20 && WIDGET_LINE.is_match(first) {
        return Some(Cue::soft(Other));
    }
    // A line offering the reader a newsletter ("Sign up to get it in your inbox", "Want more?
    // Sign up for our newsletter"): all three marks, in a short paragraph of its own.
    if words <= 45
        && !text.contains('\n')
        && SIGN_UP.is_match(text)
        && DELIVERY.is_match(text)
        && READER.is_match(text)
    {
        return Some(Cue::soft(Other));
    }
    // A magazine's subscription offer ("12 issues for £11.99").
    if words <= 60 && ISSUES_OFFER.is_match(text) {
        return Some(Cue::soft(Other));
    }
    // A content manager's shortcode left unrendered ("[button link=…]", "[newsletter_form]"):
    // markup for a widget, not text, at the start of a block of any length.
    if SHORTCODE.is_match(first) {
        return Some(Cue::soft(Other));
    }
    if words <= 30 && INLINE.is_match(first) {
        return Some(Cue::soft(Other));
    }
    // A news agency's photo caption ("In this Dec. 12, 2006, file photo, …", "This photo
    // provided by … shows …"), set as a paragraph where the photo stood; of any length.
    if PHOTO_CAPTION.is_match(first) {
        return Some(Cue::soft(Other));
    }
    // A page template's placeholder text, shown to nobody (hidden by a style sheet).
    if PLACEHOLDER.is_match(first) {
        return Some(Cue::soft(Other));
    }
    // A loading indicator ("Loading…", "Loading paragraph...") stands in for a part of the
    // page a script fills in later: it is no part of the text.
    if words <= 3 && LOADING.is_match(first) {
        return Some(Cue::soft(Other));
    }
    if words <= 40 && CONTACT_US.is_match(text) {
        return Some(Cue::soft(Other));
    }
    if words <= 20 && PUBLISHED_LINE.is_match(first) && crate::date::find_date(text).is_some() {
        return Some(Cue::soft(Other));
    }
    if text.contains('\n') && is_link_list(text) {
        return Some(Cue::soft(RelatedPosts));
    }
    if is_contents_label(text) {
        return Some(Cue::soft(Navigation));
    }
    if !text.contains('\n') && words <= 40 && is_nav_line(first) {
        return Some(Cue::soft(Navigation));
    }
    None
}

/// A heading that opens an article's text: a summary's or an introduction's label ("Key
/// takeaways", "At a glance", "Introduction").
pub fn is_opening_heading(text: &str) -> bool {
    let text = text.trim();
    at_most_words(text, 5) && OPENING_HEADING.is_match(text)
}

/// The label of a table of contents ("Table of contents", "In this article:", "Jump to:").
pub fn is_contents_label(text: &str) -> bool {
    let text = text.trim();
    at_most_words(text, 4) && CONTENTS_LABEL.is_match(text)
}

/// A lead and one title after a colon ("Related: Ferry fares to rise"), not a list of them.
fn is_inline_link_line(line: &str) -> bool {
    line.split_once(':').is_some_and(|(_, title)| {
        at_least_words(title, 2) && !title.contains(['|', '•', '·']) && !ends_sentence(title)
    })
}

/// A short line that opens with a dash: a signature ("— Jo Park") or an attribution.
pub fn is_signature(text: &str) -> bool {
    let text = text.trim();
    at_most_words(text, 8) && SIGNATURE.is_match(text)
}

/// Whether a line ends like a sentence.
pub fn ends_sentence(line: &str) -> bool {
    line.trim_end()
        .ends_with(['.', '!', '?', '…', '"', '”', '’', ';', ':', '。', '！', '？', '」', '』', '．'])
}

/// Words in a text: whitespace-separated tokens, and for Chinese and Japanese (written
/// without spaces) about one word per two characters.
pub fn word_count(text: &str) -> usize {
    words_up_to(text, usize::MAX)
}

/// Whether `text` has at most `n` words ([`word_count`], counted no further than needed).
pub fn at_most_words(text: &str, n: usize) -> bool {
    words_up_to(text, n.saturating_add(1)) <= n
}

/// Whether `text` has at least `n` words ([`word_count`], counted no further than needed).
pub fn at_least_words(text: &str, n: usize) -> bool {
    words_up_to(text, n) >= n
}

/// [`word_count`], counted no further than `cap`.
fn words_up_to(text: &str, cap: usize) -> usize {
    // Most text is ASCII: count the starts of runs of non-space bytes, without decoding.
    if text.is_ascii() {
        let mut words = 0;
        let mut in_word = false;
        for b in text.bytes() {
            let space = b.is_ascii_whitespace() || b == 0x0B;
            if !space && !in_word {
                words += 1;
                if words >= cap {
                    return cap;
                }
            }
            in_word = !space;
        }
        return words;
    }
    let mut words = 0;
    for token in text.split_whitespace() {
        words += if token.is_ascii() {
            1
        } else {
            let cjk = token.chars().filter(|&c| is_cjk(c)).count();
            if cjk == 0 { 1 } else { (cjk / 2).max(1) }
        };
        if words >= cap {
            return cap;
        }
    }
    words
}

/// Han ideographs and kana (scripts written without spaces between words).
fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F)
}

/// Whether a line starts with a list marker ("- ", "• ", "1. ").
pub fn is_list_item(line: &str) -> bool {
    LIST_ITEM.is_match(line.trim_start())
}

/// A menu or breadcrumb: several short segments between separators.
pub fn is_nav_line(line: &str) -> bool {
    // Without a separator the line is one segment.
    let separated = if line.is_ascii() {
        // Byte by byte: most lines are ASCII, and most are not menus.
        let mut spaces = 0;
        line.bytes().any(|b| {
            spaces = if b.is_ascii_whitespace() || b == 0x0B { spaces + 1 } else { 0 };
            spaces >= 3 || matches!(b, b'|' | b'>' | b'/')
        })
    } else {
        line.contains(['|', '›', '»', '·', '•', '>', '/'])
            || line.split(|c: char| !c.is_whitespace()).any(|run| run.chars().nth(2).is_some())
    };
    if !separated {
        return false;
    }
    let segments: Vec<&str> = NAV_SEPARATOR.split(line.trim()).filter(|s| !s.trim().is_empty()).collect();
    let breadcrumb = line.contains('›') || line.contains('»') || line.contains(" > ");
    let all_short = segments.iter().all(|s| s.split_whitespace().count() <= 4);
    (segments.len() >= 3 && all_short) || (breadcrumb && segments.len() >= 2)
}

/// A block whose lines are short titles, list items of titles, or dates: a list of links.
fn is_link_list(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.len() < 2 {
        return false;
    }
    let titles = lines.iter().filter(|l| is_title_like(l)).count();
    let items = lines.iter().filter(|l| is_title_like(l) && is_list_item(l)).count();
    let dates = lines.iter().filter(|l| is_date_line(l)).count();
    (items >= 2 && items + dates + 1 >= lines.len()) || (dates >= 2 && titles + dates >= lines.len())
}

/// A short line that does not end like a sentence.
fn is_title_like(line: &str) -> bool {
    let words = line.split_whitespace().count();
    (1..=20).contains(&words) && !line.trim_end().ends_with(['.', ';', ','])
}

/// A line that is essentially a date ("January 20, 2026", "12 Oct 2023 · 3 min").
pub fn is_date_line(line: &str) -> bool {
    if line.split_whitespace().nth(8).is_some() {
        return false;
    }
    crate::date::find_date_at(line).is_some_and(|(pos, _)| pos <= 3)
}

#[cfg(test)]
mod tests {
    use super::*;
    use BoilerplateKind::*;

    fn check(text: &str, expect: Option<(BoilerplateKind, bool)>) {
        assert_eq!(cue(text).map(|c| (c.kind, c.ends_article)), expect, "{text}");
    }

    #[test]
    fn words_are_counted_up_to_a_cap() {
        for text in
            ["", "one", "one two  three\nfour", "ein Wort für zwei", "日本語の文章です とても", "  a\x0bb  "]
        {
            for cap in [1, 2, 3, 81] {
                assert_eq!(words_up_to(text, cap), word_count(text).min(cap), "{text:?} {cap}");
            }
        }
        assert_eq!(word_count("one two  three\nfour"), 4);
        assert!(at_most_words("one two three", 3) && !at_most_words("one two three", 2));
        assert!(at_least_words("one two three", 3) && !at_least_words("one two three", 4));
    }

    #[test]
    fn placeholder_text_is_boilerplate() {
        check(
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.",
            Some((Other, false)),
        );
        check("Lorem Ipsum", Some((Other, false)));
        check("The filler text known as lorem ipsum goes back to Cicero.", None);
    }

    #[test]
    fn invitations_to_follow_elsewhere_are_boilerplate() {
        check("Follow @HarbourDesk on X for the latest fares.", Some((ShareButtons, false)));
        check(
            "Follow our full coverage of the strike at https://example.org/strike",
            Some((ShareButtons, false)),
        );
        check("Follow the river north for two miles and you reach the weir.", None);
        check("Follow-up talks on the fares were shown live on YouTube.", None);
        check("More Great Harbour Stories", Some((RelatedPosts, true)));
    }

    #[test]
    fn feedback_widgets_and_log_in_prompts_are_boilerplate() {
        check("Was this article helpful?", Some((Other, false)));
        check("Click on a star to rate it!", Some((Other, false)));
        check("Already have an account? Log in", Some((Other, false)));
        check("This article is more than 3 months old", Some((Other, false)));
        check("Page 2 of 5", Some((Other, false)));
        check("How useful was this post?", Some((Other, false)));
        check("Sorry, we couldn't find a match for those dates. Pick other days.", Some((Other, false)));
        check("No results found", Some((Other, false)));
        check("Sorry is the hardest word, the minister said on Friday.", None);
        check("Thank you! Your submission has been received!", Some((Other, false)));
        check("Was this the harbour board's worst year? Fishing crews think so.", None);
    }

    #[test]
    fn agency_photo_captions_are_boilerplate() {
        check(
            "In this March 3, 2021, file photo, ferries wait at the harbour wall. (Photo/Jo Park)",
            Some((Other, false)),
        );
        check("This photo provided by the harbour board shows the sea wall.", Some((Other, false)));
        check("In this photograph's corner the old wall can still be seen, the board said.", None);
        check("This photo essay follows one crew through the winter.", None);
    }

    #[test]
    fn an_appeal_to_readers_ends_the_article() {
        check("Enjoyed this story? We need your help to keep the harbour desk going.", Some((Other, true)));
        check("If you value our reporting, please consider supporting it with a gift.", Some((Other, true)));
        check("Since you made it to the end of this story, we have a favour to ask.", Some((Other, true)));
        check("A Word to Our Readers", Some((Other, true)));
        check("If you enjoyed the ferry, the board said, you will enjoy the new one more.", None);
    }

    #[test]
    fn a_newsletter_offer_is_boilerplate() {
        check("Was this letter forwarded to you? Sign up to get it in your inbox.", Some((Other, false)));
        check("Want more from the harbour desk? Sign up for our newsletter.", Some((Other, false)));
        check("The board's newsletter told members to subscribe before the fares rose.", None);
    }

    #[test]
    fn offers_shortcodes_and_advert_labels_are_boilerplate() {
        check("Get Harbour Monthly through your door. 12 issues for £20.", Some((Other, false)));
        check("[signup_form id=12] Get the harbour letter", Some((Other, false)));
        check("[video_player]", Some((Other, false)));
        check("Advert", Some((Other, false)));
        check("[Editor's note: the fares were corrected on Friday.]", None);
        check("[1] Harbour board minutes, 2021.", None);
        check("Advert for the new ferry ran in three papers.", None);
    }

    #[test]
    fn loading_indicators_are_boilerplate() {
        check("Loading…", Some((Other, false)));
        check("Loading comments...", Some((Other, false)));
        check("Loading the ferry took two hours.", None);
    }

    #[test]
    fn a_list_of_references_ends_the_article() {
        check("References", Some((Other, true)));
        check("Sources:", Some((Other, true)));
        check("Sources said the talks had failed.", None);
    }

    #[test]
    fn article_text_has_no_cue() {
        check("The ministry said on Friday that 40 people had been sent back across the border.", None);
        check("What happened to the families?", None);
        check("Recent arrivals said the camp was full.", None);
        check("Background", None);
        check("Jump to review", None);
        check("In this article, we compare the three permits and their fees.", None);
        check("We urge the government to:\n- stop the flights;\n- free the children.", None);
        check("Home Office officials declined to comment on the case of the two men.", None);
    }

    #[test]
    fn inline_cues_are_soft() {
        check("Keep reading", Some((Other, false)));
        check("Read More", Some((Other, false)));
        check("Read more in our country files on the region.", Some((Other, false)));
        check("This website uses cookies.", Some((CookieNotice, false)));
        check("Share: Facebook | X | Email", Some((ShareButtons, false)));
        check("Like this story? Share it: Facebook | X | WhatsApp", Some((ShareButtons, false)));
        check("If you know more, please contact us securely.", Some((Other, false)));
        check("Home | News | Sport | Weather", Some((Navigation, false)));
        check("Published 31/05/2013 17:05 | Updated 01/06/2013 09:12", Some((Other, false)));
        check("RELATED: Harbour fees to rise next year", Some((RelatedPosts, false)));
        check("Table of Contents", Some((Navigation, false)));
        check("In this article:", Some((Navigation, false)));
        check("Jump to:", Some((Navigation, false)));
    }

    #[test]
    fn section_cues_end_the_article() {
        check("About the author\nJo Park covers borders.", Some((AuthorBox, true)));
        check("About Jo Park", Some((AuthorBox, true)));
        check("Recent Posts", Some((RelatedPosts, true)));
        check("MORE FROM THE WIRE\n- A story", Some((RelatedPosts, true)));
        check("Related: A story | Another story", Some((RelatedPosts, true)));
        check("You might also like", Some((RelatedPosts, true)));
        check("Read This Next", Some((RelatedPosts, true)));
        check("You’ll Also Love...", Some((RelatedPosts, true)));
        check("Other Harbour Posts You Will Love", Some((RelatedPosts, true)));
        check("Other interesting articles", Some((RelatedPosts, true)));
        check("Recent posts on blogs I like:", Some((RelatedPosts, true)));
        check("14 Comments", Some((Comments, true)));
        check("12 thoughts on \"A story\"", Some((Comments, true)));
        check("Comments (48) | Share this article", Some((Comments, true)));
        check("Leave a Reply", Some((Comments, true)));
        check("Tags: Borders, Asylum", Some((Other, true)));
        check("© 2024 The Lantern. All rights reserved.", Some((Other, true)));
        check("(Editing by Jo Park)", Some((Other, true)));
        check("--\nEditing by Jo Park", Some((Other, true)));
        check("— Jo Park", Some((Other, true)));
        check("(END)", Some((Other, true)));
        check("ENDS", Some((Other, true)));
        check("Media contacts:\nPress office: +1 000", Some((Other, true)));
        check("The group is an independent charity. Media contact: press@example.org", Some((Other, false)));
        check("SIDEBAR\nSearch this blog", Some((Navigation, true)));
        check("Jo Park is a researcher. The views expressed are her own.", Some((AuthorBox, true)));
    }

    #[test]
    fn lists_of_titles_and_dates_are_related_posts() {
        check(
            "A first story title\nJanuary 20, 2026\nA second story title\nJanuary 19, 2026",
            Some((RelatedPosts, false)),
        );
        check("- One story\n- Another story\n- A third story", Some((RelatedPosts, false)));
    }
}
