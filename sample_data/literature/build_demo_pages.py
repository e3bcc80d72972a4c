# ruff: noqa: E501  (data tables: one record per line reads best)
"""Write the bundled demo pages (fictional works about learning teams, DOIs under the 10.5555
test prefix) in the exact shapes of the OpenAlex list and ERIC search responses, laid out as the
connectors store them. Run: .venv/bin/python sample_data/literature/build_demo_pages.py"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUN_ID = "20260301T060000000000Z"
FETCHED_AT = "2026-03-01T06:00:00.000000+00:00"

INSTITUTIONS = {
    "ucl": (
        "I45129253",
        "University College London",
        "https://ror.org/02jx3x895",
        "GB",
        "education",
    ),
    "nott": (
        "I142263535",
        "University of Nottingham",
        "https://ror.org/01ee9ar58",
        "GB",
        "education",
    ),
    "ug": ("I52103440", "University of Ghana", "https://ror.org/01r22mr83", "GH", "education"),
    "tsukuba": (
        "I146399215",
        "University of Tsukuba",
        "https://ror.org/02956yf07",
        "JP",
        "education",
    ),
    "stanford": (
        "I97018004",
        "Stanford University",
        "https://ror.org/00f54p054",
        "US",
        "education",
    ),
    "toronto": (
        "I185261750",
        "University of Toronto",
        "https://ror.org/03dbr7087",
        "CA",
        "education",
    ),
    "unimelb": (
        "I165779595",
        "University of Melbourne",
        "https://ror.org/01ej9dk98",
        "AU",
        "education",
    ),
    "ou": ("I4210166736", "The Open University", "https://ror.org/05mzfcs16", "GB", "education"),
    "ncsl": ("I4210090000", "National College for School Leadership", None, "GB", "government"),
    "uct": (
        "I185163786",
        "University of Cape Town",
        "https://ror.org/03p74gp79",
        "ZA",
        "education",
    ),
}

# (key, title, year, doi suffix, authors [(id, name, institution keys)], query ids, references,
#  cited_by, oa status, abstract)
WORKS = [
    (
        "W9000000001",
        "Professional learning communities and teacher outcomes: a systematic review",
        2019,
        "lt.2019.001",
        [("A9100000001", "Maria Okafor", ["ucl"]), ("A9100000002", "David Reyes", ["stanford"])],
        ["professional_learning_communities"],
        [],
        112,
        "gold",
        "We review studies of professional learning communities and their effects on teaching practice and pupil learning."
        " Effective communities rest on a shared vision of pupil learning. They also need trust and mutual respect among colleagues.",
    ),
    (
        "W9000000002",
        "Building networked learning communities across school boundaries",
        2004,
        "lt.2004.002",
        [("A9100000003", "Helen Jackson", ["ncsl"]), ("A9100000004", "Peter Temperley", ["nott"])],
        ["professional_learning_communities", "networked_learning_communities"],
        [],
        240,
        "closed",
        "Networked learning communities link groups of schools with universities and local authorities in collaborative enquiry."
        " Networking between schools, clear roles and responsibilities and open communication sustained the networks.",
    ),
    (
        "W9000000003",
        "Teacher collaboration in professional learning communities: the role of school leaders",
        2016,
        "lt.2016.003",
        [("A9100000005", "Anne Vescio", ["toronto"]), ("A9100000001", "Maria Okafor", ["ucl"])],
        ["professional_learning_communities"],
        ["W9000000001", "W9000000002"],
        58,
        "green",
        "Head teachers shape how teachers collaborate in professional learning communities.",
    ),
    (
        "W9000000004",
        "School-to-school support in England: evidence from teaching school alliances",
        2017,
        "lt.2017.004",
        [("A9100000006", "Toby Greany", ["nott"]), ("A9100000007", "Rob Higham", ["ucl"])],
        ["school_to_school_support"],
        ["W9000000002"],
        77,
        "hybrid",
        "Teaching school alliances organise support from stronger to weaker schools across England."
        " Alliances relied on strategic leadership and quality assurance. Sharing best practice was the main way of working.",
    ),
    (
        "W9000000005",
        "Lesson study as a vehicle for teacher learning in Japan and the United Kingdom",
        2012,
        "lt.2012.005",
        [
            ("A9100000008", "Akihiko Takahashi", ["tsukuba"]),
            ("A9100000009", "Pete Dudley", ["ucl"]),
        ],
        ["lesson_study"],
        [],
        95,
        "bronze",
        "Cycles of planning, teaching and observing research lessons help teachers refine practice together.",
    ),
    (
        "W9000000006",
        "Instructional coaching and student achievement: a meta-analysis",
        2018,
        "lt.2018.006",
        [("A9100000010", "Matthew Kraft", ["stanford"])],
        ["instructional_coaching"],
        ["W9000000001"],
        301,
        "green",
        "Coaching programmes improve instruction and achievement, though effects shrink at scale.",
    ),
    (
        "W9000000007",
        "Professional learning communities in rural schools",
        2020,
        "lt.2020.007",
        [("A9100000011", "Grace Mensah", ["ug"])],
        ["professional_learning_communities"],
        ["W9000000001", "W9000000003"],
        12,
        "gold",
        "Rural teachers in Ghana formed professional learning communities with the support of district officers.",
    ),
    (
        "W9000000008",
        "Professional learning communities in urban schools",
        2020,
        "lt.2020.008",
        [("A9100000012", "Kwame Boateng", ["ug", "uct"])],
        ["professional_learning_communities"],
        ["W9000000001"],
        9,
        "gold",
        "Urban school clusters in Accra and Cape Town ran teacher learning circles.",
    ),
    (
        "W9000000009",
        "Teacher triads: peer observation and reflection in primary schools",
        2015,
        "lt.2015.009",
        [("A9100000013", "Sarah Whitfield", ["ou"])],
        ["teacher_collaboration"],
        ["W9000000003"],
        21,
        "green",
        "Three teachers observe one another and reflect together on pupils' learning.",
    ),
    (
        "W9000000010",
        "School-university partnerships in initial teacher education",
        2013,
        "lt.2013.010",
        [("A9100000014", "Lin Zhang", ["unimelb"]), ("A9100000015", "James Allen", ["unimelb"])],
        ["school_university_partnership"],
        [],
        64,
        "closed",
        "Partnership agreements between universities and schools structure placements and mentoring."
        " Joint planning and shared decision-making gave partners the flexibility to adapt to the needs of each school. Matched funding paid for mentor time, and the commitment of all partners kept the partnership going.",
    ),
    (
        "W9000000011",
        "Parents as partners: school-community collaboration for early literacy",
        2021,
        "lt.2021.011",
        [("A9100000016", "Ama Owusu", ["ug"])],
        ["school_community_partnership"],
        ["W9000000002"],
        6,
        "gold",
        "Community volunteers and parents supported reading in Ghanaian primary schools.",
    ),
    (
        "W9000000012",
        "Multi-agency teams around the school: teachers, health and social workers",
        2011,
        "lt.2011.012",
        [("A9100000017", "Ruth Lister", ["ou", "ucl"])],
        ["multi_agency_teams"],
        [],
        33,
        "closed",
        "Extended schools brought teachers together with health workers and social care staff.",
    ),
    (
        "W9000000013",
        "Teacher networks and the spread of innovation",
        2014,
        "lt.2014.013",
        [("A9100000018", "Alan Daly", ["stanford"]), ("A9100000004", "Peter Temperley", ["nott"])],
        ["networked_learning_communities", "teacher_collaboration"],
        ["W9000000002"],
        150,
        "green",
        "Social network analysis of teachers shows how advice ties carry new practices between schools.",
    ),
    (
        "W9000000014",
        "Mentoring beginning teachers through instructional coaching",
        2022,
        "lt.2022.014",
        [("A9100000019", "Ines Costa", ["toronto"])],
        ["instructional_coaching"],
        ["W9000000006"],
        3,
        "hybrid",
        None,
    ),
    (
        "W9000000015",
        "Lesson study in South African mathematics classrooms",
        2019,
        "lt.2019.015",
        [
            ("A9100000020", "Thandi Ndlovu", ["uct"]),
            ("A9100000008", "Akihiko Takahashi", ["tsukuba"]),
        ],
        ["lesson_study"],
        ["W9000000005"],
        18,
        "gold",
        "Teachers in Cape Town adapted lesson study to mathematics with university facilitators."
        " Facilitators and teachers built a common language and a shared purpose through joint observation.",
    ),
    (
        "W9000000016",
        "Collaborative professional development and teacher retention",
        2023,
        "lt.2023.016",
        [("A9100000002", "David Reyes", ["stanford"])],
        ["teacher_collaboration"],
        ["W9000000001", "W9000000009", "W9990000000"],
        1,
        "closed",
        "Teachers who plan and review lessons together are more likely to stay in the profession."
        " Schools with professional relationships and shared decision-making kept more of their teachers.",
    ),
]

# ERIC documents: (id, title, authors "Last, First", year, description, subjects, doi url,
# publication types, education levels, peer reviewed)
DOCS = [
    (
        "EJ1300001",
        "Professional Learning Communities and Teacher Outcomes: A Systematic Review",
        ["Okafor, Maria", "Reyes, David"],
        2019,
        "We review studies of professional learning communities &amp; their effects on teaching practice.",
        ["Communities of Practice", "Teacher Collaboration", "Faculty Development"],
        None,
        ["Journal Articles", "Information Analyses"],
        ["Elementary Secondary Education"],
        "T",
    ),
    (
        "ED4800002",
        "Building Networked Learning Communities across School Boundaries.",
        ["Jackson, Helen", "Temperley, Peter"],
        2004,
        "A report on the &quot;Networked Learning Communities&quot; programme of the National College for School Leadership.",
        ["Networks", "School Cooperation", "Educational Change"],
        None,
        ["Reports - Research"],
        None,
        "F",
    ),
    (
        "EJ1150003",
        "Teacher Collaboration in Professional Learning Communities: The Role of School Leadership",
        ["Vescio, Anne"],
        2016,
        "How principals and head teachers shape teacher collaboration.",
        ["Teacher Collaboration", "Principals", "Instructional Leadership"],
        None,
        ["Journal Articles", "Reports - Research"],
        ["Elementary Education", "Secondary Education"],
        "T",
    ),
    (
        "EJ1160004",
        "School-to-School Support: What Teaching School Alliances Tell Us",
        ["Greany, Toby"],
        2017,
        "Evidence from England&#8217;s teaching school alliances.",
        ["School Cooperation", "Partnerships in Education", "Foreign Countries"],
        "http://dx.doi.org/10.5555/LT.2017.004",
        ["Journal Articles", "Reports - Research"],
        ["Elementary Secondary Education"],
        "T",
    ),
    (
        "EJ1000005",
        "Lesson Study as a Vehicle for Teacher Learning in Japan and the UK",
        ["Dudley, Pete"],
        2012,
        "Lesson study cycles &lt;plan, teach, review&gt; in two countries.",
        ["Lesson Study", "Teacher Improvement", "Foreign Countries", "Comparative Education"],
        None,
        ["Journal Articles"],
        None,
        "T",
    ),
    (
        "EJ1180006",
        "Instructional Coaching and Student Achievement: A Meta-Analysis",
        ["Kraft, Matthew A."],
        2018,
        "A meta-analysis of the causal evidence on teacher coaching.",
        ["Coaching (Performance)", "Academic Achievement", "Meta Analysis"],
        None,
        ["Journal Articles", "Information Analyses"],
        ["Elementary Secondary Education"],
        "T",
    ),
    (
        "EJ1300007",
        "Instructional Coaching and Student Achievement: A Meta-Analysis of Reading Programs",
        ["Kraft, Matthew A."],
        2018,
        "Coaching in reading programmes only.",
        ["Coaching (Performance)", "Reading Programs", "Meta Analysis"],
        None,
        ["Journal Articles", "Information Analyses"],
        ["Elementary Education"],
        "T",
    ),
    (
        "ED6100008",
        "Teacher Learning Circles in Rural Uganda",
        ["Nakato, Ruth", "And Others"],  # ERIC's mark of a truncated author list
        2021,
        None,
        ["Teacher Collaboration", "Rural Schools", "Foreign Countries", "Developing Nations"],
        None,
        ["Reports - Evaluative"],
        ["Primary Education"],
        "F",
    ),
    (
        "EJ1400009",
        "Co-Teaching with Community Volunteers in Reading Lessons",
        ["Mbeki, Sipho", "Owusu, Ama"],
        2022,
        "Volunteers from the community co-taught reading lessons with teachers.",
        ["Volunteers", "School Community Relationship", "Reading Instruction"],
        None,
        ["Journal Articles", "Reports - Research"],
        ["Grade 2", "Primary Education"],
        "T",
    ),
]

# ERIC's language list, "English" unless named here: none (absent), or two languages (a
# bilingual document: no single coding language, so every language's patterns apply).
DOC_LANGUAGES = {"ED6100008": [], "EJ1400009": ["English", "Spanish"]}


def _work(key, title, year, doi, authors, references, cited_by, oa_status, abstract):
    template = json.loads((HERE / "work_template.json").read_text())
    work = {k: template[k] for k in template}
    authorships = []
    for index, (author_id, name, institutions) in enumerate(authors):
        insts = [
            {
                "id": f"https://openalex.org/{INSTITUTIONS[i][0]}",
                "display_name": INSTITUTIONS[i][1],
                "ror": INSTITUTIONS[i][2],
                "country_code": INSTITUTIONS[i][3],
                "type": INSTITUTIONS[i][4],
                "lineage": [f"https://openalex.org/{INSTITUTIONS[i][0]}"],
            }
            for i in institutions
        ]
        affiliation = "; ".join(INSTITUTIONS[i][1] for i in institutions)
        authorships.append(
            {
                "author_position": "first"
                if index == 0
                else ("last" if index == len(authors) - 1 else "middle"),
                "author": {
                    "id": f"https://openalex.org/{author_id}",
                    "display_name": name,
                    "orcid": None,
                },
                "institutions": insts,
                "countries": sorted({inst["country_code"] for inst in insts}),
                "is_corresponding": index == 0,
                "raw_author_name": name,
                "raw_affiliation_strings": [affiliation],
                "affiliations": [
                    {
                        "raw_affiliation_string": affiliation,
                        "institution_ids": [x["id"] for x in insts],
                    }
                ],
            }
        )
    doi_url = f"https://doi.org/10.5555/{doi}"
    work.update(
        id=f"https://openalex.org/{key}",
        doi=doi_url,
        title=title,
        display_name=title,
        publication_year=year,
        publication_date=f"{year}-03-15",
        authorships=authorships,
        cited_by_count=cited_by,
        referenced_works=[f"https://openalex.org/{r}" for r in references],
        abstract_inverted_index=_inverted(abstract),
        updated_date="2026-02-27T03:14:15.926535",
    )
    work["primary_location"] = dict(
        template["primary_location"], landing_page_url=doi_url, is_oa=oa_status != "closed"
    )
    work["open_access"] = {
        "is_oa": oa_status != "closed",
        "oa_status": oa_status,
        "oa_url": None if oa_status == "closed" else doi_url,
        "any_repository_has_fulltext": oa_status == "green",
    }
    topic = {
        "id": "https://openalex.org/T10640",
        "display_name": "Teacher Professional Development and Collaboration",
        "score": 0.99,
        "subfield": {"id": "https://openalex.org/subfields/3304", "display_name": "Education"},
        "field": {"id": "https://openalex.org/fields/33", "display_name": "Social Sciences"},
        "domain": {"id": "https://openalex.org/domains/2", "display_name": "Social Sciences"},
    }
    work["primary_topic"] = topic
    work["topics"] = [topic]
    return work


def _inverted(text):
    if text is None:
        return None
    index = {}
    for position, word in enumerate(text.split()):
        index.setdefault(word, []).append(position)
    return index


def _write_run(source, query_id, pages):
    folder = HERE / source / query_id / RUN_ID
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for number, (position, url, body, records) in enumerate(pages, start=1):
        name = f"page-{number:04d}.json"
        data = json.dumps(body, indent=1, ensure_ascii=False).encode()
        (folder / name).write_bytes(data)
        entries.append(
            {
                "page": number,
                "file": name,
                "status": "ok",
                "position": position,
                "url": url,
                "fetched_at": FETCHED_AT,
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
                "records": records,
                "reason": None,
            }
        )
    manifest = {
        "source": source,
        "query_id": query_id,
        "run_id": RUN_ID,
        "started_at": FETCHED_AT,
        "request": {"demo": True},
        "pages": entries,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")


def main():
    works = [_work(w[0], w[1], w[2], w[3], w[4], w[6], w[7], w[8], w[9]) for w in WORKS]
    by_query = {}
    for spec, work in zip(WORKS, works, strict=True):
        for query_id in spec[5]:
            by_query.setdefault(query_id, []).append(work)
    for query_id, results in sorted(by_query.items()):
        # two pages for the larger queries, to show a cursor walk
        chunks = [results[:3], results[3:]] if len(results) > 3 else [results]
        pages, cursor = [], "*"
        for index, chunk in enumerate(chunks):
            next_cursor = f"Ii9{query_id[:6]}{index + 1}" if index + 1 < len(chunks) else None
            meta = {
                "count": len(results),
                "db_response_time_ms": 42,
                "page": None,
                "per_page": 200,
                "next_cursor": next_cursor,
                "groups_count": None,
            }
            url = f"https://api.openalex.org/works?search=demo&per-page=200&cursor={cursor}"
            pages.append(
                (cursor, url, {"meta": meta, "results": chunk, "group_by": []}, len(chunk))
            )
            cursor = next_cursor
        _write_run("openalex", query_id, pages)
    docs = []
    for doc_id, title, authors, year, description, subjects, url, types, levels, peer in DOCS:
        doc = {"id": doc_id, "title": title, "author": authors}
        if description is not None:
            doc["description"] = description
        doc.update(subject=subjects, publicationtype=types, publicationdateyear=year)
        if DOC_LANGUAGES.get(doc_id, ["English"]):  # absent when ERIC gives none
            doc["language"] = DOC_LANGUAGES.get(doc_id, ["English"])
        if url:
            doc["url"] = url
        if levels:
            doc["educationlevel"] = levels
        doc["peerreviewed"] = peer
        docs.append(doc)
    pages = []
    for start in (0, 5):
        chunk = docs[start : start + 5]
        body = {
            "response": {
                "numFound": len(docs),
                "start": start,
                "numFoundExact": True,
                "docs": chunk,
            }
        }
        url = f"https://api.ies.ed.gov/eric/?search=demo&format=json&start={start}&rows=5"
        pages.append((str(start), url, body, len(chunk)))
    _write_run("eric", "teacher_collaboration", pages)


if __name__ == "__main__":
    main()
