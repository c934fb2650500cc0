"""The monthly report as people read it: an HTML email body that reads on a phone (one column,
simple tables, inline styles, no image, script or external link but the console's) and the same
in plain text. Numbers are written as the web writes them (web/src/lib/format.js)."""
from __future__ import annotations

from datetime import date
from html import escape

from .figures import MonthFigures, to_fixed

FONT = "font-family:Arial,Helvetica,sans-serif;"
TABLE = "border-collapse:collapse;width:100%;max-width:560px;margin:8px 0 16px;font-size:14px;"
TH = "text-align:left;padding:6px 8px;border-bottom:1px solid #ccc;background:#f3f5f7;"
TD = "padding:6px 8px;border-bottom:1px solid #eee;"
NUM = TD + "text-align:right;white-space:nowrap;"
VERDICT_COLOUR = {"Improved": "#1a7f37", "Worse": "#b42318"}


def with_unit(text: str, unit: str) -> str:
    if not unit or text == "—":
        return text
    return f"{text}{unit}" if unit[0] in "%°" else f"{text} {unit}"


def number(v: float | None, precision: int) -> str:
    return "—" if v is None else to_fixed(v, precision)


def signed(v: float | None, precision: int) -> str:
    if v is None:
        return "—"
    text = to_fixed(abs(v), precision)
    return text if float(text) == 0 else f"{'+' if v > 0 else '−'}{text}"


def percent(v: float | None) -> str:
    return "—" if v is None else f"{signed(v, 1 if abs(v) < 10 else 0)}%"


def month_title(month: str) -> str:
    y, m = (int(p) for p in month.split("-"))
    return date(y, m, 1).strftime("%B %Y")


def day_text(d: date) -> str:
    return d.strftime("%d %b %Y")


def subject(f: MonthFigures) -> str:
    return f"{f.site}: impact report for {month_title(f.month)}"


def _rows_text(f: MonthFigures) -> dict[str, list[list[str]]]:
    """Every table of the report as rows of strings (the HTML and the text show the same)."""
    pairs = [["Quantity", "Inlet avg", "Outlet avg", "Change"]]
    for r in f.pairs:
        fmt = lambda v, r=r: with_unit(number(v, r.inlet.precision), r.inlet.unit)    # noqa: E731
        verdict = "" if r.verdict == "No data" else f" {r.verdict}"
        pairs.append([r.quantity, fmt(r.inlet_avg), fmt(r.outlet_avg), f"{percent(r.pct)}{verdict}"])
    relays = [["Relay", "Hours on"]] + [[name, f"{number(h, 1)} h"] for _, name, h in f.relays if h is not None]
    aqi = [["Category", "Days (outlet)", "Days (inlet)"]] + [
        [cat, str(f.aqi.days["outlet"][cat]), str(f.aqi.days["inlet"][cat])] for cat in f.aqi.categories]
    return {"pairs": pairs, "relays": relays, "aqi": aqi}


def _intro(f: MonthFigures) -> list[str]:
    c = f.completeness
    standard = {"cpcb": "India NAQI (CPCB)", "epa": "US EPA AQI"}[f.aqi.standard]
    avg = f.aqi.average
    lines = [f"{f.site}: {day_text(f.start)} to {day_text(f.end)}."]
    if avg.get("outlet") is not None:
        lines.append(f"Average AQI ({standard}, {'PM2.5' if f.aqi.size == 'pm25' else 'PM10'}): "
                     f"outlet {round(avg['outlet'])}, inlet "
                     f"{'—' if avg.get('inlet') is None else round(avg['inlet'])}.")
    else:
        lines.append("No dust readings in this month: no AQI.")
    if c.pct is not None:
        hours = f"{to_fixed(c.bucket_s / 3600, 0 if c.bucket_s % 3600 == 0 else 1)}-hour " if c.bucket_s else ""
        lines.append(f"Data completeness: {round(c.pct)}% ({c.with_data} of {c.elapsed} {hours}periods hold readings).")
    if f.days_pending:
        lines.append(f"{f.days_pending} days were still being fetched from the device cloud; they count as missing.")
    return lines


def text(f: MonthFigures, console_url: str) -> str:
    t = _rows_text(f)
    out = [f"Impact report: {month_title(f.month)}", ""] + _intro(f) + [""]
    out += ["Inlet vs outlet (change = outlet - inlet, % of the inlet):"]
    out += [f"- {r[0]}: inlet {r[1]}, outlet {r[2]}, change {r[3]}" for r in t["pairs"][1:]]
    out += ["", "Days per AQI category:"] + [f"- {r[0]}: {r[1]} (inlet {r[2]})" for r in t["aqi"][1:]]
    if len(t["relays"]) > 1:
        out += ["", "Hours each relay was on:"] + [f"- {r[0]}: {r[1]}" for r in t["relays"][1:]]
    out += ["", "The month's readings, hour by hour, are attached as a CSV.", f"Open the console: {console_url}", ""]
    return "\n".join(out)


def _table(rows: list[list[str]], caption: str) -> str:
    head = "".join(f'<th style="{TH}{"" if i == 0 else "text-align:right;"}">{escape(c)}</th>'
                   for i, c in enumerate(rows[0]))
    body = []
    for row in rows[1:]:
        cells = [f'<th scope="row" style="{TD}text-align:left;font-weight:normal;">{escape(row[0])}</th>']
        for c in row[1:]:
            word = next((w for w in VERDICT_COLOUR if c.endswith(w)), None)
            inner = escape(c) if word is None else (
                f'{escape(c[:-len(word)])}<span style="color:{VERDICT_COLOUR[word]};font-weight:bold;">'
                f'{escape(word)}</span>')
            cells.append(f'<td style="{NUM}">{inner}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (f'<h2 style="font-size:16px;margin:16px 0 4px;">{escape(caption)}</h2>'
            f'<table role="presentation" style="{TABLE}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def html(f: MonthFigures, console_url: str) -> str:
    t = _rows_text(f)
    parts = [f'<h1 style="font-size:20px;margin:0 0 8px;">Impact report: {escape(month_title(f.month))}</h1>']
    parts += [f'<p style="margin:4px 0;">{escape(line)}</p>' for line in _intro(f)]
    parts.append(_table(t["pairs"], "Inlet vs outlet (change = outlet − inlet, % of the inlet)"))
    parts.append(_table(t["aqi"], "Days per AQI category"))
    if len(t["relays"]) > 1:
        parts.append(_table(t["relays"], "Hours each relay was on"))
    parts.append('<p style="margin:12px 0;color:#555;font-size:13px;">The month\'s readings, hour by hour, '
                 f'are attached as a CSV. <a href="{escape(console_url, quote=True)}">Open the console</a>.</p>')
    return ('<!DOCTYPE html><html><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width,initial-scale=1"></head>'
            f'<body style="margin:0;padding:12px;{FONT}color:#1f2328;background:#ffffff;">'
            f'<div style="max-width:560px;margin:0 auto;">{"".join(parts)}</div></body></html>')
