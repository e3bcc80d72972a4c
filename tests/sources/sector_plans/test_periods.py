"""Plan periods from real Planipolis titles (every title below is from the real list)."""

import pytest

from sources.sector_plans.periods import PERIOD_SOURCES, PeriodError, parse_plan_period, plan_period


@pytest.mark.parametrize(
    ("title", "start", "end", "other"),
    [
        ("Uruguay. Plan de desarrollo educativo 2020-2024", 2020, 2024, None),
        ("Tertiary education strategy 2010-15", 2010, 2015, None),
        ("Medium Term Strategic Plan 2010/11-2012/13", 2010, 2013, None),
        (
            "National strategic plan for pre-university education reform in Egypt 2007/08-2011/12",
            2007,
            2012,
            None,
        ),
        (
            "Programme national de développement du secteur éducatif 2001/2010 PNDSE",
            2001,
            2010,
            None,
        ),
        ("Education sector strategic plan 2018/19 to 2023/24", 2018, 2024, None),
        (
            "National education strategic plan for Afghanistan 1385-1389 [2007-2011]",
            2007,
            2011,
            "solar_hijri 1385-1389",
        ),
        (
            "National Education Strategic Plan for Afghanistan 1389-1393/2010-2014 - draft",
            2010,
            2014,
            "solar_hijri 1389-1393",
        ),
        (
            "Technical and Vocational Education Reform Strategic Plan 2080-2089 BS [2023-2032]",
            2023,
            2032,
            "bikram_sambat 2080-2089",
        ),
        (
            "School Sector Development Plan 2016/17-2022/23 (BS 2073/74-2079/80)",
            2016,
            2023,
            "bikram_sambat 2073/74-2079/80",
        ),
        (
            "The National Scheme of Education B.E. 2560-2579 (2017-2036) [Thai]",
            2017,
            2036,
            "buddhist 2560-2579",
        ),
        (
            "Education Sector Development Programme V 2008 - 2012 E.C. 2015/16 - 2019/20 G.C.",
            2015,
            2020,
            "ethiopian 2008 - 2012",
        ),
        (
            "Appui au système éducatif haïtien ... Covid-19 Juin 2020- Novembre 2021",
            2020,
            2021,
            None,
        ),
        # Unicode dashes, soft hyphens and double hyphens (real titles)
        (
            "Literacy, Numeracy and Digital Literacy Strategy 2024-\u00ad2033: Every learner",
            2024,
            2033,
            None,
        ),
        ("Plan décennal d'éducation et de formation (PDEF) 2019\u20102029", 2019, 2029, None),
        ("Rencana Strategis: Kementerian Pendidikan dan Kebudayaan 2015--2019", 2015, 2019, None),
        ("Plan 2016\u20132020", 2016, 2020, None),
        ("Plan 2016 \u2014 2020", 2016, 2020, None),
        ("Plan 2016\u20112020", 2016, 2020, None),
        ("Plan 2016\u20122020", 2016, 2020, None),
        ("Plan 2016\u20152020", 2016, 2020, None),
        ("Plan 2016\u22122020", 2016, 2020, None),
        ("Plan 2016\u2010\u00ad2020", 2016, 2020, None),
        ("Plan 2016\u2011 20", 2016, 2020, None),
        # words between the years
        ("Master plan development of TVET from 2008 until 2015", 2008, 2015, None),
        ("Plan de développement de 2008 à 2015", 2008, 2015, None),
        ("Plan de desarrollo 2008 a 2015", 2008, 2015, None),
        ("Plan de desarrollo desde 2008 hasta 2015", 2008, 2015, None),
        ("Plan national de 2008 jusqu'à 2015", 2008, 2015, None),
        # two calendars: the Gregorian range wins, also with dashes and slashes
        ("Plan 1389\u20131393/2010\u20132014", 2010, 2014, "solar_hijri 1389-1393"),
        # a year with its Solar Hijri equivalent is one year, not a range
        ("Annual Operational Plan 2020/1399", 2020, 2020, "solar_hijri 1399"),
        ("Annual Operational Plan 1399/2020", 2020, 2020, "solar_hijri 1399"),
    ],
)
def test_real_title_forms(title, start, end, other):
    period = parse_plan_period(title)
    assert (period.start_year, period.end_year, period.other_calendar_label) == (start, end, other)
    assert period.calendar == "gregorian" and not period.converted


def test_only_a_non_gregorian_range_is_converted_and_flagged():
    period = parse_plan_period("National Literacy Action Plan 1391- 1394")
    assert (period.start_year, period.end_year) == (2012, 2016)
    assert period.converted and period.calendar == "solar_hijri"


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Interim basic education strategy", "no_period_in_title"),
        ("Action plan for education 2017", "no_period_in_title"),
        ("Plan 2000-2090", "implausible_period"),
    ],
)
def test_titles_without_a_usable_period(title, code):
    with pytest.raises(PeriodError) as info:
        parse_plan_period(title)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("title", "listed", "start", "end", "source"),
    [
        ("Education strategic plan 2018-2030", 2017, 2018, 2030, "title"),
        ("Interim basic education strategy", 2011, 2011, 2011, "listed_year"),
        ("Action plan for education 2017", 2017, 2017, 2017, "listed_year"),
        (
            "Ministry of Education and Culture Strategy 2030",
            2019,
            2019,
            2030,
            "listed_year_to_title_year",
        ),
        (
            "Stratégie nationale de l'enseignement supérieur à l'horizon 2030",
            2022,
            2022,
            2030,
            "listed_year_to_title_year",
        ),
        (
            "Strategy of Education Development till 2020",
            2012,
            2012,
            2020,
            "listed_year_to_title_year",
        ),
        # a start without an end is not a horizon
        ("Strategic plan for the period from 2021 (SP2021+)", 2020, 2020, 2020, "listed_year"),
        # an earlier year in the title (a report on 2020) does not stretch the period back
        (
            "Public financial management: reform roadmap 2020 and beyond",
            2021,
            2021,
            2021,
            "listed_year",
        ),
        # more than 30 years ahead is not a plan horizon
        ("Vision 2063", 2020, 2020, 2020, "listed_year"),
    ],
)
def test_period_from_the_title_else_from_the_listed_year(title, listed, start, end, source):
    sourced = plan_period(title, listed)
    assert (sourced.period.start_year, sourced.period.end_year, sourced.source) == (
        start,
        end,
        source,
    )
    assert sourced.source in PERIOD_SOURCES and sourced.note is None


def test_an_implausible_title_range_falls_back_to_the_listed_year_and_says_why():
    sourced = plan_period("Plan 2000-2090", 2001)
    assert (sourced.period.start_year, sourced.period.end_year, sourced.source) == (
        2001,
        2001,
        "listed_year",
    )
    assert sourced.note == "title period not used: '2000-2090' spans more than 30 years"


def test_without_a_listed_year_the_title_error_stands():
    with pytest.raises(PeriodError) as info:
        plan_period("Interim basic education strategy", None)
    assert info.value.code == "no_period_in_title"
    with pytest.raises(PeriodError, match="listed year 1850 is outside") as info:
        plan_period("Interim basic education strategy", 1850)
    assert info.value.code == "implausible_period"
