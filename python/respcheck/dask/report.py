# SPDX-License-Identifier: MIT
"""The run's summary as one self-contained HTML file: headline counts,
plots drawn with matplotlib (findings per rule, status classes, the worst
hosts) embedded as PNG data URIs, and the tables behind them. No script, no
external resource: it opens anywhere, offline."""

import base64
import html
import io

import respcheck

# Colours by severity, and by status class.
_SEVERITY_COLOUR = {"error": "#c0392b", "warning": "#d68910", "info": "#2e86c1",
                    "off": "#999999"}
_CLASS_COLOUR = {"1xx": "#5dade2", "2xx": "#27ae60", "3xx": "#8e44ad",
                 "4xx": "#e67e22", "5xx": "#c0392b", "invalid": "#7f8c8d",
                 "no head": "#34495e"}
_CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx", "invalid", "no head"]

_CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
       color: #1c2833; margin: 2em auto; max-width: 64em; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #d5d8dc; }
.sub { color: #566573; margin-top: 0; }
.cards { display: flex; flex-wrap: wrap; gap: .8em; margin: 1.2em 0; }
.card { border: 1px solid #d5d8dc; border-radius: 6px; padding: .6em 1em;
        min-width: 8em; }
.card b { display: block; font-size: 1.5em; }
.card.bad b { color: #c0392b; }
.card.good b { color: #1e8449; }
img { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: .8em 0; }
th, td { padding: .25em .8em; border-bottom: 1px solid #eaeded;
         text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.sev-error { color: #c0392b; } .sev-warning { color: #b9770e; }
.sev-info { color: #2e86c1; }
.note { color: #566573; }
code { font-size: .95em; }
"""


def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _figures(summary):
    """The plots as data URIs: {name: uri or None}."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    severities = {r["rule"]: r["severity"] for r in respcheck.rules()}
    out = {}

    rules = [(k, v) for k, v in summary["rules"].items()]
    if rules:
        rules = sorted(rules, key=lambda kv: kv[1])[-25:]
        fig, ax = plt.subplots(figsize=(8, 0.32 * len(rules) + 1.2))
        names = [k for k, _ in rules]
        ax.barh(names, [v for _, v in rules],
                color=[_SEVERITY_COLOUR.get(severities.get(k), "#999999")
                       for k in names])
        ax.set_xlabel("findings")
        ax.margins(x=0.08)
        ax.set_title("Findings per rule (colour: default severity)")
        ax.spines[["top", "right"]].set_visible(False)
        for y, (_, v) in enumerate(rules):
            ax.text(v, y, " %d" % v, va="center", fontsize=8)
        out["rules"] = _png(fig)
        plt.close(fig)
    else:
        out["rules"] = None

    classes = [(c, summary["status_classes"].get(c, 0)) for c in _CLASSES]
    classes = [(c, n) for c, n in classes if n > 0]
    if classes:
        fig, ax = plt.subplots(figsize=(8, 3.2))
        ax.bar([c for c, _ in classes], [n for _, n in classes],
               color=[_CLASS_COLOUR[c] for c, _ in classes])
        ax.set_ylabel("responses")
        ax.margins(y=0.12)  # room for the labels above the bars
        ax.set_title("Responses by status class")
        ax.spines[["top", "right"]].set_visible(False)
        for x, (_, n) in enumerate(classes):
            ax.text(x, n, "%d" % n, ha="center", va="bottom", fontsize=8)
        out["classes"] = _png(fig)
        plt.close(fig)
    else:
        out["classes"] = None

    hosts = list(summary["hosts"].items())[:20]
    if hosts:
        hosts = hosts[::-1]
        fig, ax = plt.subplots(figsize=(8, 0.32 * len(hosts) + 1.2))
        names = [h for h, _ in hosts]
        ok = [d["responses"] - d["rejected"] for _, d in hosts]
        bad = [d["rejected"] for _, d in hosts]
        ax.barh(names, bad, color="#c0392b", label="rejected")
        ax.barh(names, ok, left=bad, color="#a9cce3", label="accepted")
        ax.set_xlabel("responses")
        ax.set_title("Hosts with the most rejected responses")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        out["hosts"] = _png(fig)
        plt.close(fig)
    else:
        out["hosts"] = None
    return out


def _e(value):
    return html.escape(str(value), quote=True)


def _table(head, rows, numeric=()):
    cells = "".join('<th class="n">%s</th>' % _e(h) if i in numeric
                    else "<th>%s</th>" % _e(h) for i, h in enumerate(head))
    body = []
    for row in rows:
        tds = []
        for i, (text, cls) in enumerate(row):
            classes = " ".join(c for c in ("n" if i in numeric else "", cls)
                               if c)
            tds.append('<td class="%s">%s</td>' % (classes, text) if classes
                       else "<td>%s</td>" % text)
        body.append("<tr>%s</tr>" % "".join(tds))
    return "<table><tr>%s</tr>%s</table>" % (cells, "".join(body))


def render(summary):
    """The report as an HTML string."""
    figs = _figures(summary)
    catalogue = {r["rule"]: r for r in respcheck.rules()}
    s = summary
    pct = (100.0 * s["rejected"] / s["responses"]) if s["responses"] else 0.0
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>respcheck report</title>",
             '<meta name="viewport" content="width=device-width">',
             "<style>%s</style></head><body>" % _CSS,
             "<h1>respcheck report</h1>",
             '<p class="sub">%d files, %s of input, checked in %.1f s by %d '
             "Dask workers (%s responses/s; %.1f s with the cluster's start "
             "and stop). respcheck %s.</p>"
             % (s["files"], _size(s["bytes"]), s["processing_seconds"],
                s["workers"], _e(s["responses_per_second"]),
                s["elapsed_seconds"], _e(respcheck.version()))]
    cards = [("responses", s["responses"], ""),
             ("accepted", s["accepted"], "good"),
             ("rejected", "%d (%.1f%%)" % (s["rejected"], pct),
              "bad" if s["rejected"] else "good"),
             ("errors", s["errors"], "bad" if s["errors"] else ""),
             ("warnings", s["warnings"], ""),
             ("info", s["infos"], ""),
             ("unreadable files", s["unreadable_files"],
              "bad" if s["unreadable_files"] else "")]
    parts.append('<div class="cards">%s</div>' % "".join(
        '<div class="card %s"><b>%s</b>%s</div>' % (cls, _e(v), _e(k))
        for k, v, cls in cards))

    parts.append("<h2>Findings per rule</h2>")
    if figs["rules"]:
        parts.append('<img alt="findings per rule" src="%s">' % figs["rules"])
        rows = []
        for rule, n in s["rules"].items():
            info = catalogue.get(rule, {})
            sev = info.get("severity", "")
            rows.append([("<code>%s</code>" % _e(rule), ""),
                         (_e(sev), "sev-" + sev if sev else ""),
                         (_e(n), ""), (_e(info.get("reference", "")), ""),
                         (_e(info.get("summary", "")), "")])
        parts.append(_table(["rule", "default severity", "findings",
                             "reference", "what it reports"], rows,
                            numeric=(2,)))
    else:
        parts.append('<p class="note">No findings.</p>')

    parts.append("<h2>Status classes</h2>")
    if figs["classes"]:
        parts.append('<img alt="status classes" src="%s">' % figs["classes"])
        codes = sorted(s["status_codes"].items(), key=lambda kv: -kv[1])[:30]
        rows = []
        for code, n in codes:
            phrase = ""
            if code.isdigit():
                st = respcheck.status(int(code)) if int(code) <= 999 else None
                phrase = st.phrase or "(unregistered)" if st else ""
            rows.append([(_e(code), ""), (_e(phrase), ""), (_e(n), "")])
        parts.append(_table(["status", "registered phrase", "responses"], rows,
                            numeric=(2,)))
    else:
        parts.append('<p class="note">No responses.</p>')

    parts.append("<h2>Worst hosts</h2>")
    if figs["hosts"]:
        parts.append('<img alt="worst hosts" src="%s">' % figs["hosts"])
        rows = [[(_e(h), ""), (_e(d["responses"]), ""), (_e(d["rejected"]), ""),
                 (_e(d["findings"]), "")]
                for h, d in list(s["hosts"].items())[:30]]
        parts.append(_table(["host", "responses", "rejected", "findings"],
                            rows, numeric=(1, 2, 3)))
    else:
        parts.append('<p class="note">The inputs name no hosts: raw response '
                     "streams carry no request URI. Captures, web archives "
                     "and browser exports do.</p>")

    if s["unreadable"]:
        parts.append("<h2>Files that could not be read</h2>")
        parts.append(_table(["file", "error"],
                            [[(_e(u["path"]), ""), (_e(u["error"]), "")]
                             for u in s["unreadable"]]))
    parts.append('<p class="note">Records: records.jsonl beside this file, '
                 "one JSON object per response (respcheck --format=json). "
                 "Counts: summary.json.</p></body></html>")
    return "\n".join(parts) + "\n"


def _size(n):
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return ("%d %s" % (n, unit)) if unit == "bytes" \
                else "%.1f %s" % (n, unit)
        n /= 1024.0
    return str(n)


def write_report(summary, path):
    with open(path, "w", encoding="utf-8") as f:
        f.write(render(summary))
