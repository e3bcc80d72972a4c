"""Theme-coding throughput of the engine (sources/theme_coding/), against a set-matching
reference and the plain Python `re` reference implementation, in the same run.

    PYTHONPATH=. .venv/bin/python bench/theme_coding_benchmark.py [--sizes 10000 100000]
        [--identity-pages 2000] [--new-plan-pages 300] [--seed 7]

Corpus: generated pages of ~2,000 characters in en/fr/es/pt, a third of their sentences drawn
from the labelled sentences (dense in codebook concepts), the rest ordinary plan sentences,
line-wrapped like extracted PDF text. For each size:
- engine: `code_texts` with every core (process pool), all rules and drops, output rows built;
- set-matching reference: one process, google-re2 `Set` over the text's language's rules, then
  exact extraction of the rules it names (word boundaries as classes), no drops, no output rows:
  what the engine does at its core, written as simply as possible;
- the ratio engine time / reference time (target <= 1.5).
Identity: the engine's (id, concept, offset) set equals the Python `re` reference's on the first
`--identity-pages` pages (that loop is slow). Incremental: the store codes the 10,000 pages, then
a build with one new plan (`--new-plan-pages` pages) codes only those. Peak memory: max RSS of
this process and of the worker processes. Writes bench/results/theme_coding.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import sys
import time
from pathlib import Path

import duckdb
import re2

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from pipelines.settings import DBT_PROJECT_DIR  # noqa: E402
from sources.theme_coding import code_texts, load_codebook, reference  # noqa: E402
from sources.theme_coding.codebook import render  # noqa: E402
from sources.theme_coding.engine import default_workers, shutdown_pools  # noqa: E402
from sources.theme_coding.normalise import nfc, normalise, normalise_keep_case  # noqa: E402
from sources.theme_coding.store import code_new_texts  # noqa: E402

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


def set_reference(codebook, pages) -> tuple[float, int]:
    """Seconds and raw matches of the set-matching reference (one process, no drops)."""
    options = re2.Options()
    options.max_mem = 1 << 30
    started = time.perf_counter()
    boundary = r"[^\pL\pN_]"
    sets, extract = {}, []
    for rule in codebook.rules:  # same RE2 options as the engine (DFA memory)
        body = boundary + "(" + render(rule.body, "re2") + ")" + boundary
        extract.append(re2.compile(body, options))
    for language in sorted({r.language for r in codebook.rules}):
        rule_set = re2.Set.SearchSet(options)
        indexes = [i for i, r in enumerate(codebook.rules) if r.language == language]
        for i in indexes:
            body = render(codebook.rules[i].body, "re2")
            rule_set.Add(f"(?i:{body})" if codebook.rules[i].case_sensitive else body)
        rule_set.Compile()
        sets[language] = (rule_set, indexes)
    found = 0
    for _, language, text in pages:
        text = nfc(text)
        lower = normalise(text)
        rule_set, indexes = sets[language]
        for h in rule_set.Match(lower) or ():
            rule = codebook.rules[indexes[h]]
            padded = " " + (normalise_keep_case(text) if rule.case_sensitive else lower) + " "
            pos, rx = 0, extract[indexes[h]]
            while (m := rx.search(padded, pos)) is not None:
                found += 1
                pos = m.end(1) - 1
    return time.perf_counter() - started, found


def run_engine(codebook, pages, workers) -> tuple[float, object]:
    started = time.perf_counter()
    mentions = code_texts(
        codebook,
        [p[0] for p in pages],
        [p[2] for p in pages],
        [p[1] for p in pages],
        workers=workers,
    )
    return time.perf_counter() - started, mentions


def max_rss_mib(who) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--identity-pages", type=int, default=2_000)
    parser.add_argument("--new-plan-pages", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, default=RESULTS, help="JSON file to write")
    args = parser.parse_args(argv)
    codebook = load_codebook()
    workers = default_workers()
    results: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "workers": workers,
            "python": platform.python_version(),
        },
        "rules": len(codebook.rules),
        "codebook_version": codebook.version,
        "sizes": {},
    }
    # warm the pool (process start and compilation are paid once per pipeline step)
    warm_started = time.perf_counter()
    run_engine(codebook, generate_pages(4_000, args.seed + 1), workers)
    results["pool_start_and_compile_seconds"] = round(time.perf_counter() - warm_started, 2)
    for size in args.sizes:
        pages = generate_pages(size, args.seed)
        chars = sum(len(p[2]) for p in pages)
        engine_s, mentions = run_engine(codebook, pages, workers)
        ref_s, raw = set_reference(codebook, pages)
        one_s, _ = run_engine(codebook, pages[: min(size, 10_000)], 1)
        row = {
            "pages": size,
            "mean_page_chars": round(chars / size),
            "engine_seconds": round(engine_s, 2),
            "engine_pages_per_s": round(size / engine_s),
            "engine_mentions": len(mentions),
            "engine_one_process_pages_per_s": round(min(size, 10_000) / one_s),
            "set_reference_seconds": round(ref_s, 2),
            "set_reference_pages_per_s": round(size / ref_s),
            "set_reference_raw_matches": raw,
            "engine_to_set_reference_time_ratio": round(engine_s / ref_s, 2),
        }
        results["sizes"][str(size)] = row
        print(
            f"{size:>7} pages: engine {row['engine_pages_per_s']:>6} pages/s "
            f"({engine_s:.1f} s, {workers} processes, {len(mentions)} mentions; one process "
            f"{row['engine_one_process_pages_per_s']} pages/s) | set reference "
            f"{row['set_reference_pages_per_s']} pages/s ({ref_s:.1f} s) | ratio "
            f"{row['engine_to_set_reference_time_ratio']}",
            flush=True,
        )
        if size == args.sizes[0]:
            sample = pages[: args.identity_pages]
            ids, texts, langs = zip(*[(p[0], p[2], p[1]) for p in sample], strict=True)
            started = time.perf_counter()
            slow = reference.code_texts(codebook, ids, texts, langs)
            slow_s = time.perf_counter() - started
            fast = code_texts(codebook, ids, texts, langs, workers=workers)
            key = ["text_id", "concept_code", "char_offset"]
            same = set(map(tuple, fast[key].values)) == set(map(tuple, slow[key].values))
            results["identity"] = {
                "pages": len(sample),
                "identical_id_concept_offset": same,
                "identical_rows": bool(fast.equals(slow)),
                "mentions": len(fast),
                "python_re_reference_pages_per_s": round(len(sample) / slow_s),
            }
            print(
                f"identity on {len(sample)} pages: engine == Python re reference: {same} "
                f"(rows identical: {fast.equals(slow)}; "
                f"reference {len(sample) / slow_s:.0f} pages/s)",
                flush=True,
            )
            con = duckdb.connect()
            con.execute("CREATE TABLE pages (page_id VARCHAR, language VARCHAR, text VARCHAR)")
            con.executemany("INSERT INTO pages VALUES (?, ?, ?)", pages)
            full = code_new_texts(
                con, codebook, "SELECT text, language FROM pages", workers=workers
            )
            new_plan = generate_pages(args.new_plan_pages, args.seed + 99)
            con.executemany(
                "INSERT INTO pages VALUES (?, ?, ?)",
                [(f"new-{p[0]}", p[1], p[2] + " (new plan)") for p in new_plan],
            )
            one = code_new_texts(con, codebook, "SELECT text, language FROM pages", workers=workers)
            again = code_new_texts(
                con, codebook, "SELECT text, language FROM pages", workers=workers
            )
            results["incremental"] = {
                "full_pages_coded": full.texts_coded,
                "full_seconds": round(full.seconds, 2),
                "new_plan_pages": args.new_plan_pages,
                "new_plan_pages_coded": one.texts_coded,
                "new_plan_seconds": round(one.seconds, 2),
                "nothing_new_pages_coded": again.texts_coded,
                "nothing_new_seconds": round(again.seconds, 2),
            }
            print(
                f"incremental: full {full.texts_coded} pages {full.seconds:.1f} s; one new plan "
                f"codes {one.texts_coded} pages in {one.seconds:.2f} s; nothing new codes "
                f"{again.texts_coded} pages in {again.seconds:.2f} s",
                flush=True,
            )
            con.close()
    shutdown_pools()
    results["peak_rss_mib"] = {
        "main_process": max_rss_mib(resource.RUSAGE_SELF),
        "largest_worker": max_rss_mib(resource.RUSAGE_CHILDREN),
    }
    print(f"peak memory: {results['peak_rss_mib']}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written {args.output}")
    return results


if __name__ == "__main__":
    main()
