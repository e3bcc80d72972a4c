-- Precision and recall per concept and language measured by `make code-eval` on the
-- development set of real plan sentences (part 'all plans'; the halves are in the raw table).
select concept_code, language, positives, negatives, tp, fp, "precision", recall, engine
from {{ source('theme_reviews', 'theme_coding_dev_eval') }}
where part = 'all plans'
