"""Build the demo Planipolis site and catalogue export under sample_data/sector_plans/.

    .venv/bin/python sample_data/sector_plans/generate_sample.py

Writes (deterministically; the output is committed):
- `planipolis_catalogue_export.csv`: the export, same columns as the real 896-row list;
- `site/`: a static copy of the site in its URL structure: listing pages
  (`en/national-education-plans/index.html`, `...index@page=1.html` for `?page=1`), plan pages
  (`en/{year}/{slug}/index.html`) and PDFs under `sites/default/files/ressources/`.

The plans and their text are invented, in the style of education sector plans (English,
French, Spanish, Portuguese), and mention learning-team themes. Quirks of the real list are
reproduced: URL year != listed year, a bare file name as document URL, an empty page URL, one
page with two language versions, a title without a period (its period is the listed year), a
scanned (image-only) Nepali version, a truncated PDF. The test suite uses the PDF helpers too.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import shutil
import textwrap
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from sources.sector_plans.catalogue import CATALOGUE_COLUMNS

HERE = Path(__file__).resolve().parent
REAL_BASE = "http://planipolis.iiep.unesco.org"
RESOURCES = "/sites/default/files/ressources/"
LISTING = "en/national-education-plans"
COLUMNS = list(CATALOGUE_COLUMNS)  # the real export's columns, as the connector reads them

# --------------------------------------------------------------------------- PDF helpers


def text_pdf(pages: list[str], title: str = "Education sector plan") -> bytes:
    """A PDF with one text page per string (Helvetica: Latin-1, enough for en/fr/es/pt)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    for body in pages:
        y = 800
        pdf.setFont("Helvetica", 10)
        for paragraph in body.split("\n\n"):
            for line in textwrap.wrap(" ".join(paragraph.split()), 95):
                pdf.drawString(50, y, line)
                y -= 14
            y -= 8
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def scanned_pdf(page_count: int = 1, text_pages: list[str] | None = None) -> bytes:
    """Text pages (optional) followed by pages with only drawings: no extractable text, as a
    scanned image page has none."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    for body in text_pages or []:
        pdf.setFont("Helvetica", 10)
        y = 800
        for line in textwrap.wrap(" ".join(body.split()), 95):
            pdf.drawString(50, y, line)
            y -= 14
        pdf.showPage()
    for index in range(page_count):
        pdf.setFillGray(0.85)
        pdf.rect(40, 60, 515, 740, fill=1, stroke=0)
        pdf.setFillGray(0.2)
        for row in range(40):  # lines of "scanned" print, as bars
            width = 300 + (row * 37 + index * 11) % 200
            pdf.rect(60, 760 - row * 17, width, 7, fill=1, stroke=0)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def encrypted_pdf(data: bytes, password: str = "secret") -> bytes:
    """The same PDF, encrypted with a user password (cannot be opened without it)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=password + "-owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated_pdf(data: bytes) -> bytes:
    """The first 60% of a PDF, as an interrupted download leaves it."""
    return data[: int(len(data) * 0.6)]


# --------------------------------------------------------------------------- plan text

TEXT = {
    "en": [
        """Chapter 3. Teacher development and school leadership.

        The Ministry will move from one-off workshops to continuous, school-based professional
        development. Every primary school will run a professional learning community (PLC) in
        which teachers meet every two weeks to plan lessons together, observe each other and
        review pupils' work.

        Schools will be grouped in clusters of six to eight schools around a cluster resource
        centre. Cluster meetings allow head teachers and teachers to share practice, and
        networked learning communities will link clusters within each district.""",
        """Coaching and mentoring. Curriculum leads will act as coaches: they visit each school
        once a month, model lessons, and support teacher collaboration on foundational literacy
        and numeracy. Newly qualified teachers will be paired with experienced mentors, and
        teacher triads will observe lessons in turn.

        Parents and communities. School management committees and parent-teacher associations
        will take part in school improvement planning. Parents will be invited to termly
        learning days, and community volunteers will support reading clubs.""",
        """Partnerships with universities and teacher training colleges will place student
        teachers in partner schools, where school-based mentors and college tutors assess them
        together. Health workers and social services will join school clusters to identify
        children at risk of dropping out.

        Monitoring: the share of schools with a functioning PLC, the number of coaching visits
        per school and term, and the participation of parents in school committees.""",
    ],
    "fr": [
        """Axe 2. Amélioration de la qualité des apprentissages.

        Les cellules d'animation pédagogique (CAP) réuniront les enseignants d'un même secteur
        chaque mois pour préparer des leçons, analyser les résultats des élèves et échanger
        leurs pratiques. Chaque école constituera une communauté d'apprentissage
        professionnelle animée par le directeur.""",
        """L'encadrement de proximité sera renforcé : les inspecteurs et conseillers
        pédagogiques assureront un accompagnement (coaching) des enseignants en classe. Les
        écoles seront regroupées en réseaux d'écoles pour mutualiser les ressources.

        Les comités de gestion d'école (CGE) et les associations de parents d'élèves
        participeront à l'élaboration du projet d'école et au suivi des apprentissages.""",
    ],
    "es": [
        """Objetivo estratégico 2. Calidad y pertinencia de los aprendizajes.

        Se conformarán comunidades de aprendizaje docente en cada centro educativo, donde los
        docentes planificarán de manera colaborativa y reflexionarán sobre su práctica. Las
        redes de centros educativos rurales permitirán el trabajo en equipo entre escuelas.""",
        """El acompañamiento pedagógico en el aula, a cargo de asesores técnicos, fortalecerá la
        tutoría entre pares y la colaboración docente. Los padres y madres de familia
        participarán en los consejos escolares de desarrollo y en la evaluación del plan de
        mejora de cada escuela.""",
    ],
    "pt": [
        """Programa 3. Formação contínua de professores.

        As zonas de influência pedagógica (ZIP) reunirão professores de escolas vizinhas para
        planificar aulas em conjunto e partilhar boas práticas. Cada escola terá uma comunidade
        de aprendizagem profissional coordenada pelo director pedagógico.""",
        """A supervisão pedagógica passará a incluir o acompanhamento (coaching) dos professores
        na sala de aula e a mentoria dos professores recém-formados. Os conselhos de escola,
        com a participação dos pais e encarregados de educação e da comunidade, acompanharão o
        plano de desenvolvimento da escola.""",
    ],
}

# --------------------------------------------------------------------------- the demo plans

# files: (file name, kind of PDF, language of its text); the other keys are catalogue quirks.
PLANS = [
    {
        "doc_id": "nep_demo0001gh",
        "country": "Ghana",
        "year": 2019,
        "url_year": 2018,
        "slug": "education-strategic-plan-2018-2030-6512",
        "title": "Education strategic plan 2018-2030",
        "languages": ["English"],
        "files": [("ghana_education_strategic_plan_2018-2030.pdf", "text", "en")],
    },
    {
        "doc_id": "nep_demo0002ke",
        "country": "Kenya",
        "year": 2018,
        "url_year": 2018,
        "slug": "national-education-sector-strategic-plan-2018-2022",
        "title": "National education sector strategic plan (NESSP) 2018-2022",
        "languages": ["English"],
        "files": [("kenya_nessp_2018-2022.pdf", "text", "en")],
        "bare_document_url": True,
    },
    {
        "doc_id": "nep_demo0003np",
        "country": "Nepal",
        "year": 2022,
        "url_year": 2022,
        "slug": "school-education-sector-plan-202223-203132-7469",
        "title": "School education sector plan 2022/23-2031/32",
        "languages": ["English", "Nepali"],
        "other_doc_ids": ["nep_demo0004np"],
        "files": [
            ("nepal_school_education_sector_plan_2022-2032_english.pdf", "text", "en"),
            ("nepal_school_education_sector_plan_2022-2032_nepali.pdf", "scanned", "ne"),
        ],
    },
    {
        "doc_id": "nep_demo0005sn",
        "country": "Senegal",
        "year": 2018,
        "url_year": 2018,
        "slug": "programme-damelioration-de-la-qualite-de-lequite-et-de-la-transparence",
        "title": "Programme d'amélioration de la qualité, de l'équité et de la transparence "
        "(PAQUET-EF) 2018-2030",
        "languages": ["French"],
        "files": [("senegal_paquet_ef_2018-2030.pdf", "text", "fr")],
        "empty_page_url": True,
    },
    {
        "doc_id": "nep_demo0006mz",
        "country": "Mozambique",
        "year": 2020,
        "url_year": 2020,
        "slug": "plano-estrategico-da-educacao-2020-2029",
        "title": "Plano estratégico da educação 2020-2029",
        "languages": ["Portuguese"],
        "files": [("mozambique_pee_2020-2029.pdf", "truncated", "pt")],
    },
    {
        "doc_id": "nep_demo0007hn",
        "country": "Honduras",
        "year": 2018,
        "url_year": 2018,
        "slug": "plan-estrategico-del-sector-educacion-2018-2030",
        "title": "Plan estratégico del sector educación 2018-2030",
        "languages": ["Spanish"],
        "files": [("honduras_pese_2018-2030.pdf", "text+scanned", "es")],
    },
    {
        "doc_id": "nep_demo0008ke",
        "country": "Kenya",
        "year": 2020,
        "url_year": 2020,
        "slug": "basic-education-covid-19-emergency-response-plan",
        "title": "Basic education COVID-19 emergency response plan",
        "languages": ["English"],
        "files": [("kenya_covid19_response_plan.pdf", "text", "en")],
    },
]


def _pdf_for(kind: str, lang: str, title: str) -> bytes:
    pages = TEXT[lang] if lang in TEXT else TEXT["en"]
    if kind == "text":
        return text_pdf([f"{title}\n\n{pages[0]}", *pages[1:]], title)
    if kind == "scanned":
        return scanned_pdf(page_count=2)
    if kind == "text+scanned":
        return scanned_pdf(page_count=1, text_pages=[f"{title}. {pages[0]}", *pages[1:]])
    if kind == "truncated":
        return truncated_pdf(text_pdf([f"{title}\n\n{pages[0]}", *pages[1:]], title))
    raise ValueError(kind)


def _page_html(plan: dict) -> str:
    items = "".join(f'<div class="field__item">{html.escape(x)}</div>' for x in plan["languages"])
    links = "".join(
        f'<li><span class="file-icon"></span><a href="{RESOURCES}{name}" '
        f'type="application/pdf">{html.escape(name)}</a></li>'
        for name, _kind, _lang in plan["files"]
    )
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
<head><meta charset="utf-8"><title>{html.escape(plan["title"])} | Planipolis</title></head>
<body class="path-node page-node-type-resource">
<main role="main"><article class="node node--type-resource">
  <h1 class="page-title">{html.escape(plan["title"])}</h1>
  <div class="field field--name-field-country"><div class="field__label">Country</div>
    <div class="field__item">{html.escape(plan["country"])}</div></div>
  <div class="field field--name-field-year"><div class="field__label">Year</div>
    <div class="field__item">{plan["year"]}</div></div>
  <div class="field field--name-field-language"><div class="field__label">Language</div>
    <div class="field__items">{items}</div></div>
  <div class="field field--name-field-resource-type"><div class="field__label">Type</div>
    <div class="field__item">National Education Plans</div></div>
  <div class="field field--name-field-file"><div class="field__label">Documents</div>
    <ul>{links}</ul></div>
</article></main>
</body></html>
"""


def _listing_html(plans: list[dict], next_href: str | None) -> str:
    rows = "".join(
        f"""
    <div class="views-row">
      <h3 class="plan-title"><a href="/en/{p["url_year"]}/{p["slug"]}" hreflang="en">"""
        f"""{html.escape(p["title"])}</a></h3>
      <div class="plan-country">{html.escape(p["country"])}</div>
      <div class="plan-year">{p["year"]}</div>
    </div>"""
        for p in plans
    )
    pager = (
        f'<nav class="pager" role="navigation"><a href="{next_href}" rel="next">Next ›</a></nav>'
        if next_href
        else '<nav class="pager" role="navigation"></nav>'
    )
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
<head><meta charset="utf-8"><title>National education plans | Planipolis</title></head>
<body class="path-view">
<main role="main"><h1 class="page-title">National education plans</h1>
  <div class="view view-resources"><div class="view-content">{rows}
  </div>{pager}</div>
</main>
</body></html>
"""


def build(out_dir: Path = HERE) -> None:
    site = out_dir / "site"
    if site.exists():
        shutil.rmtree(site)
    resources = site / RESOURCES.strip("/")
    resources.mkdir(parents=True)
    rows = []
    for plan in PLANS:
        page_dir = site / "en" / str(plan["url_year"]) / plan["slug"]
        page_dir.mkdir(parents=True)
        (page_dir / "index.html").write_text(_page_html(plan), encoding="utf-8")
        for index, (name, kind, lang) in enumerate(plan["files"]):
            data = _pdf_for(kind, lang, plan["title"])
            (resources / name).write_bytes(data)
            words = " ".join(TEXT.get(lang, [""])) if "text" in kind else ""
            rows.append(
                {
                    "doc_id": plan["doc_id"] if index == 0 else plan["other_doc_ids"][index - 1],
                    "title": plan["title"],
                    "country": plan["country"],
                    "year": plan["year"],
                    "languages": ",".join(plan["languages"]),
                    "resource_type": "National Education Plans",
                    "planipolis_page_url": ""
                    if plan.get("empty_page_url")
                    else f"{REAL_BASE}/en/{plan['url_year']}/{plan['slug']}",
                    "document_url": name
                    if plan.get("bare_document_url")
                    else f"{REAL_BASE}{RESOURCES}{name}",
                    "local_filename": name,
                    "source_row_number": len(rows) + 2,
                    "word_count": len(words.split()),
                    "text_chars": len(words),
                }
            )
    listing = site / LISTING
    listing.mkdir(parents=True)
    (listing / "index.html").write_text(_listing_html(PLANS[:4], "?page=1"), encoding="utf-8")
    (listing / "index@page=1.html").write_text(_listing_html(PLANS[4:], None), encoding="utf-8")
    with (out_dir / "planipolis_catalogue_export.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    digest = hashlib.sha256()
    for path in sorted(site.rglob("*")):
        if path.is_file():
            digest.update(path.read_bytes())
    print(
        f"wrote {len(rows)} catalogue rows and {out_dir / 'site'}",
        f"(site sha256 {digest.hexdigest()[:12]})",
    )


if __name__ == "__main__":
    build()
