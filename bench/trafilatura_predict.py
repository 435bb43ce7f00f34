"""Runs trafilatura over a benchmark folder (Scrapinghub or WCXB layout, as `refwatch bench
read` detects them) and prints a predictions JSON for `refwatch bench read DIR --predictions`:
page id -> {"text", "title", "author", "date", "seconds"}, where seconds is the extraction
time alone (decompression and file reading are not timed). Used by bench/compare.sh."""

import gzip
import json
import os
import sys
import time

import trafilatura


def pages(folder):
    """(id, path, url) for every gold page, in the layouts bench read knows."""
    if os.path.isfile(os.path.join(folder, "ground-truth.json")):
        with open(os.path.join(folder, "ground-truth.json"), encoding="utf-8") as f:
            gold = json.load(f)
        for page_id, entry in sorted(gold.items()):
            yield page_id, os.path.join(folder, "html", page_id + ".html.gz"), entry.get("url")
        return
    if not os.path.isdir(os.path.join(folder, "ground-truth")):
        folder = os.path.join(folder, "dev")
    truth = os.path.join(folder, "ground-truth")
    for name in sorted(os.listdir(truth)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(truth, name), encoding="utf-8") as f:
            entry = json.load(f)
        page_id = name[: -len(".json")]
        yield page_id, os.path.join(folder, "html", page_id + ".html.gz"), entry.get("url")


def field(doc, name):
    if doc is None:
        return None
    value = doc.get(name) if isinstance(doc, dict) else getattr(doc, name, None)
    return value if isinstance(value, str) and value.strip() else None


def main():
    folder = sys.argv[1]
    out = {}
    for page_id, path, url in pages(folder):
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as f:
            html = f.read().decode("utf-8", errors="replace")
        started = time.perf_counter()
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
        seconds = time.perf_counter() - started
        out[page_id] = {
            "text": field(doc, "text") or "",
            "title": field(doc, "title"),
            "author": field(doc, "author"),
            "date": field(doc, "date"),
            "seconds": seconds,
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
