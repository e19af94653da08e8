"""A published index rebuilt from its published parts: the 2024 edition of Nanjing Normal
University's 长三角高质量发展评估报告 (41 cities; each dimension score is 20 × the mean of its six
normalised indicators, the total their sum). The indicators are published to 0.01, so a
dimension may differ by up to 20 × 0.005 = 0.1 and the total by 5 × 0.1 = 0.5."""

from pathlib import Path

import pandas as pd
import pytest

from deltawatch.methods.index import build, load_spec

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "njnu_hqd"
DIMENSIONS = {"创新发展": "innovation", "协调发展": "coordination", "绿色发展": "green", "开放发展": "openness",
              "共享发展": "sharing"}


@pytest.fixture(scope="module")
def published():
    parts = pd.read_csv(FIXTURES / "yrd41_hqd_secondary_indicators_normalized_2023_2024.csv")
    parts = parts[parts["report_edition"] == 2024]
    scores = pd.read_csv(FIXTURES / "yrd41_hqd_scores_2023_2025.csv")
    return parts, scores[scores["report_edition"] == 2024].set_index("city_code")


def test_the_2024_edition_is_rebuilt_from_its_indicators(published):
    parts, scores = published
    pairs = parts[["dimension", "indicator"]].drop_duplicates()
    nodes = [{"code": "total", "name": "高质量发展总分"}]
    nodes += [{"code": code, "name": name, "parent": "total", "weight": 1} for name, code in DIMENSIONS.items()]
    nodes += [{"code": row.indicator, "parent": DIMENSIONS[row.dimension], "direction": 1, "weight": 20 / 6}
              for row in pairs.itertuples()]
    spec = load_spec({"data": {"unit": "city_code"}, "nodes": nodes,
                      "pipeline": [{"step": "normalise", "method": "none"}, {"step": "aggregate", "method": "sum"}]})
    data = parts.pivot_table(index="city_code", columns="indicator", values="normalized_score").reset_index()
    result = build(spec, data.astype({"city_code": str}))
    ours = result.scores.set_axis(result.scores.index.astype(int))
    for dimension in DIMENSIONS.values():
        assert (ours[dimension] - scores[dimension]).abs().max() <= 0.1
    assert (ours["total"] - scores["total"]).abs().max() <= 0.5
    ranks = result.ranks["total"].set_axis(ours.index)
    assert ranks.corr(scores["rank"], method="spearman") > 0.99
    assert ranks.loc[310000] == scores.loc[310000, "rank"] == 1
