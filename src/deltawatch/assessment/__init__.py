"""绩效考核 / 对照学习: assessment schemes, their runs with rank intervals, peer groups, bonus
and deduction items, and benchmarking (issue 15). The computation is ``methods.assessment``."""
