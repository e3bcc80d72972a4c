"""Theme-coding throughput: pages coded per second by the dbt macro code_texts in DuckDB, and the
same pages matched by a plain Python `re` loop with the same compiled patterns, in the same run.

    .venv/bin/python bench/theme_coding_benchmark.py [--pages 10000] [--seed 7]

The corpus is generated: pages of ~2,000 characters in en/fr/es/pt, a third of their sentences
drawn from the labelled sentences (dense in codebook concepts: dbt_project/seeds/theme_coding/),
the rest from a bank of ordinary plan sentences (enrolment, finance, construction...). The SQL is
rendered by dbt from the macro, exactly as `python -m pipelines.code_texts` does. The Python loop
only normalises and matches (no exclusions, no nesting rule), so it does strictly less work.
Writes bench/results/theme_coding.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import re
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from pipelines.code_texts import _dbt, load_codebook, render_code_texts_sql  # noqa: E402
from pipelines.settings import DBT_PROJECT_DIR, WAREHOUSE_FILE_NAME  # noqa: E402

RESULTS = REPO_ROOT / "bench" / "results" / "theme_coding.json"
LABELLED = DBT_PROJECT_DIR / "seeds" / "theme_coding" / "theme_coding_labelled_sentences.csv"
PAGE_CHARS = 2000

FILLER = {
    "en": [
        "The gross enrolment ratio in lower secondary rose from 61 percent in 2015 to 74 percent "
        "in 2022, but completion remains low in the northern regions.",
        "Capitation grants will be paid to every public primary school at the start of each term.",
        "The sector will build 3,200 classrooms and rehabilitate 1,100 latrine blocks over the "
        "plan period, giving priority to overcrowded urban schools.",
        "Table 4.2 summarises the estimated cost of each programme for the period 2024-2028.",
        "Learning outcomes in early grade reading will be assessed every two years by a national "
        "sample-based assessment.",
        "The education management information system will publish an annual statistical "
        "yearbook by the end of March.",
        "Recurrent expenditure on salaries accounts for 82 percent of the sector budget.",
    ],
    "fr": [
        "Le taux brut de scolarisation au premier cycle du secondaire est passé de 58 % en 2015 à "
        "71 % en 2022, mais l'achèvement reste faible dans les régions du nord.",
        "Des subventions seront versées à chaque école primaire publique au début de l'année.",
        "Le programme prévoit la construction de 2 800 salles de classe et la réhabilitation de "
        "900 blocs de latrines sur la période du plan.",
        "Le tableau 4.2 présente le coût estimé de chaque programme pour la période 2024-2028.",
        "Les acquis des élèves en lecture seront évalués tous les deux ans par une évaluation "
        "nationale sur échantillon.",
        "L'annuaire statistique sera publié chaque année avant la fin du mois de mars.",
        "Les dépenses de personnel représentent 80 % du budget courant du secteur.",
    ],
    "es": [
        "La tasa bruta de matrícula en secundaria baja pasó del 63 % en 2015 al 76 % en 2022, "
        "pero la conclusión sigue siendo baja en las zonas rurales.",
        "Se transferirán recursos a cada escuela pública al inicio del año escolar.",
        "El plan prevé la construcción de 2 500 aulas y la rehabilitación de 800 servicios "
        "higiénicos durante el período.",
        "El cuadro 4.2 resume el costo estimado de cada programa para el período 2024-2028.",
        "Los aprendizajes en lectura se evaluarán cada dos años mediante una evaluación "
        "nacional muestral.",
        "El sistema de información publicará un anuario estadístico antes de fin de marzo.",
        "El gasto en remuneraciones representa el 81 % del presupuesto corriente del sector.",
    ],
    "pt": [
        "A taxa bruta de escolarização no primeiro ciclo do secundário passou de 55 % em 2015 "
        "para 70 % em 2022, mas a conclusão continua baixa nas zonas rurais.",
        "Serão transferidos fundos para cada escola pública no início do ano letivo.",
        "O plano prevê a construção de 2 600 salas de aula e a reabilitação de 700 blocos "
        "sanitários durante o período.",
        "O quadro 4.2 resume o custo estimado de cada programa para o período 2024-2028.",
        "As aprendizagens em leitura serão avaliadas de dois em dois anos por uma avaliação "
        "nacional por amostragem.",
        "O anuário estatístico será publicado antes do fim de março de cada ano.",
        "As despesas com pessoal representam 79 % do orçamento corrente do sector.",
    ],
}


def generate_pages(n_pages: int, seed: int) -> list[tuple[str, str, str]]:
    """(page_id, language, text) with ~PAGE_CHARS characters per page, line-wrapped like PDFs."""
    rng = random.Random(seed)
    labelled: dict[str, list[str]] = {lang: [] for lang in FILLER}
    with LABELLED.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            labelled[row["language"]].append(row["text"])
    languages = sorted(FILLER)
    pages = []
    for i in range(n_pages):
        lang = languages[i % len(languages)]
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < PAGE_CHARS:
            bank = labelled[lang] if rng.random() < 1 / 3 else FILLER[lang]
            parts.append(rng.choice(bank))
        text = " ".join(parts)
        # PDF text extraction breaks lines about every 90 characters
        words, lines, line = text.split(" "), [], ""
        for word in words:
            if len(line) + len(word) > 90:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
        pages.append((f"p{i:05d}", lang, "\r\n".join(lines)))
    return pages


def python_normalise(text: str) -> str:
    """The macro normalise_text_for_coding, restated for the baseline only."""
    text = unicodedata.normalize("NFC", text).lower()
    text = text.translate(str.maketrans("’‘ʼ´`‐‑‒–—", "'''''-----"))
    decomposed = unicodedata.normalize("NFD", text)
    text = unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )
    return re.sub(r"[\s\u00a0\u2007\u202f]", " ", text)


def compiled_patterns(scratch: Path, warehouse: Path) -> list[tuple[str, str]]:
    inline = "{{ codebook_compiled_patterns() }}"
    compile_warehouse = scratch / "compile" / WAREHOUSE_FILE_NAME
    compile_warehouse.parent.mkdir(parents=True, exist_ok=True)
    output = _dbt(["compile", "--quiet", "--output", "json", "--inline", inline], compile_warehouse)
    sql = json.loads(output)["compiled"]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            f"SELECT language, compiled_pattern FROM ({sql}) WHERE NOT is_exclusion"
        ).fetchall()
    finally:
        con.close()
    # RE2 writes code points as \x{00a0}; Python's re as \u00a0 (none occur in patterns today)
    return [(lang, re.sub(r"\\x\{([0-9a-fA-F]{4})\}", r"\\u\1", p)) for lang, p in rows]


def run_python(pages, patterns) -> tuple[float, int]:
    by_language: dict[str, list[re.Pattern]] = {}
    for lang, pattern in patterns:
        by_language.setdefault(lang, []).append(re.compile(pattern))
    start = time.perf_counter()
    matches = 0
    for _, lang, text in pages:
        normalised = python_normalise(text)
        for compiled in by_language[lang]:
            for _match in compiled.finditer(normalised):
                matches += 1
    return time.perf_counter() - start, matches


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    load_average = round(os.getloadavg()[0], 2)
    pages = generate_pages(args.pages, args.seed)
    with tempfile.TemporaryDirectory(prefix="theme_coding_bench_") as scratch_name:
        scratch = Path(scratch_name)
        warehouse = scratch / WAREHOUSE_FILE_NAME
        load_codebook(warehouse)
        sql = render_code_texts_sql("bench_pages", ["page_id"], "text", "language", scratch)
        patterns = compiled_patterns(scratch, warehouse)

        con = duckdb.connect(str(warehouse))
        con.execute("CREATE TABLE bench_pages (page_id VARCHAR, language VARCHAR, text VARCHAR)")
        con.executemany("INSERT INTO bench_pages VALUES (?, ?, ?)", pages)
        threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
        start = time.perf_counter()
        con.execute(f"CREATE TABLE bench_mentions AS {sql}")
        duckdb_seconds = time.perf_counter() - start
        mentions, coded_pages = con.execute(
            "SELECT count(*), count(DISTINCT page_id) FROM bench_mentions"
        ).fetchone()
        con.close()

    python_seconds, python_matches = run_python(pages, patterns)
    chars = sum(len(p[2]) for p in pages)
    result = {
        "pages": len(pages),
        "mean_chars_per_page": round(chars / len(pages)),
        "languages": sorted({p[1] for p in pages}),
        "patterns": len(patterns),
        "duckdb_threads": threads,
        "duckdb_seconds": round(duckdb_seconds, 2),
        "duckdb_pages_per_second": round(len(pages) / duckdb_seconds, 1),
        "duckdb_mentions_after_rules": mentions,
        "duckdb_pages_with_mentions": coded_pages,
        "python_re_seconds": round(python_seconds, 2),
        "python_re_pages_per_second": round(len(pages) / python_seconds, 1),
        "python_re_raw_matches": python_matches,
        "speedup_duckdb_vs_python_re": round(python_seconds / duckdb_seconds, 2),
        "duckdb_version": duckdb.__version__,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {platform.system()}, {os.cpu_count()} cpus",
        "load_average_1min_at_start": load_average,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    for key, value in result.items():
        print(f"{key:32} {value}")
    return result


if __name__ == "__main__":
    main()
