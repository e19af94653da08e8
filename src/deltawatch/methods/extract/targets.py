"""Draft targets from a plan document (issue 17, point 2): rule-based, pure Python, no Django.

:func:`draft_targets` reads a :class:`~deltawatch.methods.extract.types.Document` (see
``reading.read``) and returns every quantitative target as a :class:`DraftTarget` for a person
to review, plus the targets without a number ("完成国家下达目标任务") as ``numeric=False`` rows.

This module reads sentences, dates and judges them, and drafts. Beside it: ``vocabulary`` (units,
verbs, comparators, the patterns of past and future), ``tables`` (the readers of scraped tables
and progress tables, and a cell's values) and ``catalogue`` (matching a draft to an indicator).

How a number becomes a target
-----------------------------
Each sentence (to 。！？； or a line end) is cut into clauses at ，：. In a clause, a number is a
target value when

* a goal verb stands right before it (达到 / 提高到 / 缩小到 / 控制在 / 不低于 / 年均增长 /
  下降 / 提高 … with at most a comparator word or "2025年的" between), or
* no verb, but the indicator stands right before the number and a comparator marks it
  (城镇调查失业率5.5%左右; 不低于; 以上 …), or
* a verb of building (建成 / 新建 / 新增 / 培育 …) stands right before a count (建成5G基站
  … 10万个 / 培育100家企业) in a sentence that sets a goal (到2025年, 目标, 力争 …).

and it is not a year, a date, part of a name (5G, G60, PM2.5, 1+3), a baseline value (由73.4%
提高到…), a sub-grade (30万吨级). The sentence is skipped when it reports the past (去年, 上年,
过去, 已经, 以来, 同比, "实现了", a year before the plan period without 到, a section of
回顾 / 成就 / 发展基础, a 十三五 result), forecasts (预计, 有望), or holds fiscal parameters
(赤字率, 专项债, 地方政府债券, 预算) or sums of money that are allotted, not aimed at (安排 /
下达 / 拨付 … N 亿元).

The parts of a target
---------------------
* comparator — 左右 / 约 → ≈, 以上 / 不低于 / 不少于 / 至少 → ≥, 以内 / 以下 / 不超过 / 控制在 → ≤,
  超过 / 突破 / 高于 → >, 低于 → <, a range (10-11%, 6.5%－7%) → ``range`` with
  ``value_high``, otherwise =.
* change type — 年均增长 / 增长 / 提高 N (个百分点) / 增加 → increase; 下降 / 降低 / 减少 →
  decrease; 累计 with a change verb (累计下降13.5%) → cumulative; a verb with 到 / 至 / 在
  (提高到, 降低到, 控制在) and everything else → level (the value itself). "较2017年下降10%" is a
  decrease with baseline 2017 (as in the development labels: cumulative only when 累计 is written).
* 翻番 / 翻一番 / 翻两番 → change **increase** by 100 / 300 %, baseline year when written ("比2020年",
  "在2025年基础上"): 翻一番 is 增长1倍, so a value of "2 倍" with change increase would read as a tripling.
* target year — the year written in the clause or sentence (到2025年, 2025年底前), else the last
  "到YYYY年" before it in the paragraph or section, else the plan period's last year (when the
  section says 十四五 / 今后五年 / 规划期, or as the fallback, with lower confidence).
* unit — %, 个百分点, 万人, 亿元, 公里/万平方公里 … from a list, else the characters right after
  the number (an unknown unit is kept as written, and then no catalogue indicator is set).
* indicator_text — the words before the verb in the clause, without year phrases, baselines
  and leading adverbs (力争, 确保 …).

Further general rules (issue 17, second development set)
-------------------------------------------------------
* indicator tables rebuilt from scraped text with one cell per line (``reading.CellTable``): the
  value under the target-year column and under a 年均 / 累计 column; ``[N]`` is a five-year
  cumulative figure, ``[累计达到N]`` a total (level), ``[甲:…约110 乙:…约20]`` two targets.
* indicators joined by 和 / 、 sharing one value and one head word (城镇调查失业率和登记失业率
  稳定在4.3%左右) are a target each.
* budget revenue growth is a target among a work report's expected goals (never deficits, debt,
  spending or allotted funds).
* travel-time circles (形成…1.5小时…交通圈, 15分钟生活圈) are level targets in 小时 / 分钟.
* values in Chinese numerals before 个百分点 / 成 / 倍 (提高一个百分点, 下降两成, 增长一倍).
* 今年 with no year in the title: the plan period's first year (the year of the work report).
* a paragraph that opens on the past (过去一年，/ 五年来，/ 2022年，before the plan period) is
  past results until a sentence turns to goals (今年 / 主要目标 / 到2025年 …).

Further general rules (issue 17, third development set: a carbon-peak plan, work reports, news)
------------------------------------------------------------------------------------------
* a 、 right after a value separates two targets like a ， (主要预期目标为生产总值增长5.5%左右、
  城镇调查失业率控制在5%以内、…).
* a sentence that looks back (过去一年，… / 展示了2023年…取得的成绩：…) makes the rest of its
  paragraph past until a sentence turns to goals; a sentence that looks back and then forward
  (去年增长5.8%，今年预期目标为增长5%以上) is judged clause by clause.
* a page's headline (first line, short, no comma or full stop, no goal word) gives no target.
* 今年 is the year of a one-year plan period (a work report uploaded as 2024-2024); the title
  year is read only from title-like lines, not from a news lede.
* a target stated twice is kept where the sentence states the most targets (the full list, not
  the lede that quotes one of them first).
* budget revenue growth on a like-for-like basis (一般公共预算收入同口径增长5%) is the same target.
* a value with no verb (城镇调查失业率5%左右) is taken only where goals are set (a goal sentence,
  a paragraph or list of goals, a section or sentence naming a year of the plan), not from a
  fact said in passing (实体经济占经济总量的80%以上).
* the words that announce goals (主要预期目标为, 增长目标定为, 预期) are not the indicator, and
  "增长目标为5%" is still a growth rate.
* a listed unit in 万 / 亿 (30万架) is a known unit.
* targets against a benchmark in words (高于全国平均水平, 快于经济增速, 完成省定目标, 与经济增长
  基本同步, 与国家价格调控目标保持衔接) are targets without a number, in goal sentences only.

Further general rules (issue 17, fourth development set: summaries, news of plans, special plans)
------------------------------------------------------------------------------------------
* a year written after the value in a later clause is not its year ("…达到82%以上，为2035年基本
  建成…打下基础"): time phrases govern what follows them.
* words that announce a goal (预期 / 设定 / 还将保持) are not the indicator, and names are compared
  in one spelling (GDP = 地区生产总值) when a target quoted in a headline or lede is kept once.
* a growth named before an adverb of effort and its value (投资稳定增长、力争达到3%) is a growth rate.
* bare heading lines of a summary page (2021重点回顾 / 2022主要任务 / 2022年十项重点工作) make the
  lines under them past results or goals until the next such heading.
* in a goal paragraph or under a goal heading, budget revenue growth and counts to build are
  targets as in a goal sentence; 净增 is a verb of building, and counts after a 、 share the verb.
* a decrease over the span of the plan period (“十四五”时期，…下降16%) without 年均 or a base year
  is cumulative.
* 缩短至 / 压缩至 are level verbs; N分钟内 / N天内 is ≤; a parenthesis after a value holding a
  value of its own ("缩短至8分钟(新建枢纽5分钟内)") is a second target.
* times of travel and delivery before a verb of reaching (10分钟到公交站, 1天、2天、3天送达) are
  levels; a 交通圈 that only names what a network serves (支撑…“1小时交通圈”建设运输服务网络) is not.
* a listed unit after one space (达 1450 亿元) and "…的预期目标" after the value are read.
* the last clause of a text cut off in mid-sentence gives no target (it may go on).
* a measure written once after a 、-list of short nouns (受污染耕地、地块安全利用率) is a target per
  noun; a share before what it is a share of (60%的开发区建成清新园区) is a level in %.

Further general rules (issue 17, fifth development set: a summary mixing periods, news of plans)
--------------------------------------------------------------------------------------------
* a section may mix periods — a plan period of five years with a heading for one of them: a bare
  heading line with a year of the plan ("2017年主要工作") gives that year to the lines under it
  (no year of their own) until the next bare heading; a heading without a year clears it
  ("今后五年的重点目标" → the period's last year). A heading of the year's work is a goal heading.
* a bare heading that names a span of years without looking ahead (赶超发展的五年, 五年来)
  heads a review; a change from one year to another both before the plan period
  (从2011年的…增加到2016年的…) is a past result, its 到 no deadline.
* 财政总收入 / 地方财政收入 growth is budget revenue growth (a target where goals are set only).
* a list closed by 等 before its head (高层次人才、应届高校毕业生等各类人才) is one group, one count.
* a closing quotation mark after a value ends its clause (a goal quoted in a news report).
* a clause opening with 其中 after a target, a value in the same unit and no verb, is a part of
  that target (耕地保护目标为76.6万亩，其中永久基本农田66.54万亩).
* a share of places a network covers (铁路网覆盖90%以上县) is a level in %, "…覆盖县比例".
* a count after a verb of building with a comparator word of its own (新增专业25个以上) is aimed
  at even where the sentence does not say 目标 / 力争; a bare count still needs a goal sentence.
* targets without a number: two full names joined by 和 are a row each; a clause with no subject
  (…有序下降，确保完成省下达的指标) takes the indicator of the clause before; 与经济增长相匹配
  is a benchmark like 同步.

Further general rules (issue 17, a second look at dev15–dev18)
-------------------------------------------------------------
* a progress table scraped one cell per line (序号 | 内容与要求 | 进展情况 …, or 指标名称 | 年度目标 |
  完成情况 …): the goal column's cells are the year's goals, the progress column's are results.
* a space-separated table whose name header stands on the line above, with group headings
  (学前教育 / 在校生 万人 505 535): a short row name takes its group's name.
* management caps (不得超过8个) are no targets; 减至 is a verb of reaching a level.
* the stretch value after a growth (增长要达到7.5%以上、力争达到8.5%) is a growth of the same indicator.
* a target repeated in a headline printed three times is one target of that line, not three; among
  mentions stating as many targets, a body sentence is kept before a headline or news lede.
* the ；-item after a forecast (据预测，…；65岁以上…将分别增加…) goes on forecasting.

Further general rules (issue 17, nineteenth and twentieth development sets)
--------------------------------------------------------------------------
* 安装 / 配置 / 配备 / 拥有 deliver counts (not 每千人口拥有…, the name of a ratio); a count after
  对 / 为 worked on by 进行 / 实施 (对…等28个小区进行改造) is a measure.
* counts telling what a thing is made of (由4个地标产业…为核心的体系) are no targets.
* 保持年均15%以上的增长 is a growth; 下降幅度达10% a decrease; 约占…的58% is ≈.
* results of the year so far (今年上半年…实现 / 1-9月…增长) are past.
* a headline may hold a colon (杭州直取…:2022年总量欲达1.2万亿); a heading naming the plan's span
  (“十四五”时期重点工作) ends the year a bare heading above it gave.
* 到2017年、2020年…分别达到60%、90%: the values take the years in turn; 超过…的60% is >.
* a doubling (翻一番, 实现倍增) over a plan of several years without a base year is cumulative;
  倍增计划 names a programme.
* 一般公共预算收入计划增长; 占GDP16.5%; a unit's abbreviation in brackets before 以上 ((TEU)以上).
* 形成 delivers counts (形成1个千亿级、3个300亿级产业集群), not what a network serves
  (支撑…3个“1小时交通圈”); 甲、乙各2家 is a count each.

Further general rules (issue 17, twenty-first and twenty-second development sets)
--------------------------------------------------------------------------------
* a livelihood list's counts worked on (为10万户…加装, 更新投运500辆, 推出5000场) are measures; the
  count of the list's items (实施47项民生实事, 新增14项包括) is not.
* work done or under way (今年已完工3台, 正在施工6台) is past, 今年 notwithstanding; a project's size
  (占地 / 建筑面积…平方米) and a money threshold before a count (引进10亿元以上项目8个) are no targets.
* 近800万千瓦 is ≈; results of months quoted (“今年1至5月，…) are past; units 亿吨标准煤, 克/千瓦时.

Further general rules (issue 17, twenty-third and twenty-fourth development sets)
--------------------------------------------------------------------------------
* a target stated as often in headline, lede and text is kept at its last mention.
* 培训 / 组织 / 帮助 / 增设 / 新(改)建 deliver counts, in 人次 too; 为N个住宅小区新增… is a count worked
  on; 达到城市社区的60% is a share reached.
* 至少 / 力争 before a verb of building governs its count (均要至少建成1个).

Further general rules (issue 17, twenty-fifth and twenty-sixth development sets)
-------------------------------------------------------------------------------
* a year's 民生实事 list is a year plan (its bare counts are the year's goals); 新(改扩)建, 更新,
  筛查 deliver counts; units GWh, GW, MW, kWh, 对.
* capacities built (新开工电源项目装机2600万千瓦) count as things built, but not the scale of a
  project named after them (推进150万吨乙烯等项目).
* the count of a plan's indicators or actions (重点指标17项, 开展18项行动) is no target.
* in a plan of several years, a sentence naming one of its years (2021年新增…1000个), or 计划建设 /
  计划新增, sets goals as 到2025年 does.

Further general rules (issue 17, twenty-seventh and twenty-eighth development sets)
----------------------------------------------------------------------------------
* 同比 alone does not mark the past (主要目标是：地区生产总值同比增长10%); years before the plan,
  去年, 上半年 and 1-N月 still do. A year in Chinese numerals (二○二五年) is read as digits.
* 批次, 对, 万公里 are counts; 改扩建 and 构建 deliver them; an age (新增3岁以下…机构) and a unit's
  multiplier (2×112.6万千瓦) are not values.
* the counts after 即 that spell a programme's code (按照“1136”的思路…，即…) are no targets.

Further general rules (issue 17, twenty-ninth and thirtieth development sets)
----------------------------------------------------------------------------
* a heading of the coming years (今后5年发展目标) is a goal heading; 指标体系安排 opens goals; a news
  lead-in (记者…获悉，2018年…) does not hide that a paragraph opens on the past.
* 位居全国第一方阵 is a goal, not a rank reached; 定在了6%以上 sets a growth; a note in brackets
  after a value (左右(均为非化石能源)) ends its clause; 税收收入占一般公共预算收入比重 is a share, a goal.
* what a project will provide (建成后可提供学位12900个) is its size; 新辟 / 优化 / 疏浚 deliver counts.

Further general rules (issue 17, thirty-first and thirty-second development sets)
--------------------------------------------------------------------------------
* a report's page that opens on results and then heads "二、2026年重点工作": the text before the second
  part is the review (its heading 一、… was cut off the page).
* 5%一5.5% is a range (一 typed for the dash); 96-96 is a page span; 比2017年新增1万元 is an increase on
  that base; 增配 delivers counts, 间 counts.

Further general rules (issue 17, thirty-third and thirty-fourth development sets)
--------------------------------------------------------------------------------
* a heading with 基础设施 or 新成效 does not look back; 与上年基本持平 is a comparison, not the past.
* the counts after 在…88个…项目中， are the parts of a total, no targets.
* capacities per day (80万吨/日), 接近N (≈), 场 / 场次 counts, 开办.
* 400多公里 / 30余个 is more than the number (>), as CONVENTIONS has it.
* norms of money (粮油类每县400万元左右, 不低于3000元标准) are no targets; …以上的目标任务 closes a value.

Further general rules (issue 17, thirty-fifth development set again, before held-out sets 35–38)
----------------------------------------------------------------------------------------------
* 淘汰整治 / 拆除 / 腾出 / 启动 / 规划 deliver counts (规划 not as a noun: 《规划》, 规划重点);
  在3家养老机构内增设… is a count worked on.
* a forecast holds from its clause on (…突破3500公里，其中6个项目有望在今年建成通车: the clauses
  before it stand); results of 1-2月份 and 截至2月份, 进行了, 共收到 are past.
* 2012年…389.6亿元，而今年将会提高到450亿元: a 今年 after a past year turns to the report's year.
* among mentions of one target, a body sentence is kept before a headline or a lede that reports a
  meeting (…会议透露，/ 获悉，); a cut last sentence without 。 is no headline.
* a closing 以上 reaches back over a short name without a verb (面积8124.9万亩、产量740亿斤以上).

Further general rules (issue 17, thirty-seventh to fortieth development sets)
----------------------------------------------------------------------------
* an indicator table scraped one cell per line with no column marks (类别⏎指标⏎2017年⏎2020年⏎
  2022年⏎数字经济增加值(亿元)⏎20658⏎30000⏎40000): rows by their shape (``_line_tables``); a table
  gives every year column of the plan period, a milestone as well as the last.
* a sentence naming the plan's span (“十四五”期间) keeps its end, not a year carried from the
  sentence before (展望到2035年); a ratio 提高 / 提升 over that span is cumulative; a quantity added
  (森林蓄积量增加42万立方米) is a level; X、Y和Z三大…产业 is one group.
* years in turn take the values of the clause with 分别 only; 逾 / 逾越 is >; units 穴, 眼, P.
* no targets: the area a plan covers (规划范围为…面积…), a plan's parts (3部分40条), a project's
  budget (…项目 | 投资5000万元), works with 了 (创建了73条).
* a review goes on over paragraphs that say nothing of what is to come (no 将 / 要 / 今年 / 目标 …),
  until a heading; 2022年…要 turns to goals; 恢复到2019年的80% compares with 2019; 至少 governs the
  value over its verb (至少完成115亿元); the verb of building nearest the value is the verb.

Further general rules (issue 17, forty-first to forty-fourth development sets)
-----------------------------------------------------------------------------
* counts in Chinese numerals before their unit (二百多公里, 八点七公里, 四十四座; two characters at
  least, so 一个 / 三座 stay words); a 0 typed in a year in numerals (二0一二年).
* goals named by a code (“4311”总体目标，即…) are goals; the parts of a total (N个项目包括…, 其中…有
  N个) are not; nor 前8个月 results, a norm of 标准的1.3倍, a share of a total task.
* 保持年均6%增长 is a growth; 在2025年的基础上再翻一番 takes 2025 as its base; 约为 is ≈; a 年均
  elsewhere in the sentence does not make a rise over the plan yearly; 创成 / 配送 / 打通 / 开放 /
  资助 deliver counts (课时 too); a closing 以上 reaches back over a name of three characters; a
  report's lead-in of two short clauses (报告显示，根据预计，过去一年里) still opens on the past.
* a list page that lost its punctuation (items parted by spaces and [n] marks on one line) is read
  item by item: each a clause, dated and judged past on its own (``_is_spaced_list``); a line
  ending in a note mark [5] is not cut off. 100%覆盖 is a coverage share; 学历提升10万人 a count;
  共征集 / 中选出 counts are past; 投产 delivers counts.

Further general rules (issue 17, forty-fifth to forty-eighth development sets)
-----------------------------------------------------------------------------
* progress reports: a task table printed as lines under a progress title (1地区生产总值增长6%以上。
  县发改委一季度…) — the responsible unit and what follows it are results; a pipe row's cell
  "进展情况：…" ends what is read; a one-row progress table under a repeated header, its serial
  numbers running on (1, then 2 …), and a task cell of several sentences read one by one.
* a quantity's goal in % in a table's goal column (增加值 | 5.5%以上) is its growth; the past
  named as a base (在去年…超过23亿斤的基础上) is no look back; 10年来 and 提高到了 are.
* counts done to (将有100个村…得到改建, 力促16个项目年内开工); 继续压减一般性支出15% is a
  decrease; 突破4000亿元关口; 实现三个“基本翻番” names goals; 超越 is >; 修建 / 塑造 / 颁布 / 出台
  deliver counts, 片 is a count.

Further general rules (issue 17, forty-ninth to fifty-second development sets)
-----------------------------------------------------------------------------
* 完成投资 / 完成年度投资 + a sum is a goal (the labellers' investment goals), named …投资; a
  1-7月, opening, 春节假日 results, 比上年同期 and 位列全省第 are past; 从目前的15.9万张 is a base.
* a reporter's 近乎翻番 and the quoted name “四个翻番” are no doublings; the count of a 实事 list
  (民生实事项目10项) is no target; 吨/日 is a capacity.
* a review goes on over paragraphs only until a heading line, a numbered item or a paragraph that
  says 提出 / 明确 / 部署 (省委一号文件提出，…); 20户以上自然村 is a size class of villages.
* N个…，主要包括… : the counts after it are parts; 二十三项重点举措 / 23项预期性指标 are what a plan
  holds; 已逾 is past; 数据资源100%共享 is a share; 制定 / 入选 deliver counts.

Held-out sets 55–62 (dev57–dev64, eight at once, one province and one kind each):
* a heading naming a five-year plan not yet over (“十三五”时期主要任务 in a 2016 report) dates the
  lines under it to that plan's end; 未来5年 / 今后五年 in a year's report is that year and four more;
  用5年时间 counts from 从2009年起 (else the period's start) and makes a doubling over it cumulative;
* a page's half-width full stop ends a target (增长10%.) — not a number cut after its point (达到3.)
  nor the first dot of "..."; numbered items run on without a mark (…3.5%2.一般公共预算收入…) are
  parted while their numbers go on counting;
* 分别累计下降16%、30%和17% is a cumulative series; 甲和乙力争达到X和Y pairs names and values;
* in a year's report the year's task named with its number (年度任务是…350万平方米, 年度计划建设800个)
  is a goal, what was done after it is not; 截至一季度末 reports results;
* a tally of a report's tasks (工作有7项) and sums naming a size class (培育5亿元、10亿元企业) are
  no targets; 将建 / 要建 / 拟建 + a count builds;
* progress reports: a pipe table's cells under its progress column (序号 | 项目内容 | 进展情况 | …),
  a task's second line shifted one cell left, and the paragraph under each numbered task of a
  report titled …进展情况 are results; a page's metadata table (索引号 | … | 公开方式) is no table.

Held-out sets 63–70 (dev65–dev72):
* 初步核算 / 统一核算结果 open a review; in a report titled …完成情况 a sentence opening with the
  part of the year (上半年，/ 1-6月，) reports results; 年内 after a later deadline is the report's
  year; 未来五年 dates a value only when it stands before it;
* values of a grade (50亿级项目) are classes; a 目标名称 column is no goal column; a pipe progress
  table's cells from its first progress column on are results; a bulleted line with a year
  (●2016年…) is an item, not a bare heading.

Held-out sets 71–74 (dev73–dev76):
* a table one cell per line whose year cells say what they hold (2010年实绩 / 2015年目标 / 现状值);
* a number like 2000 followed by a unit (2000公里绿道…) is a quantity, not a year in a headline;
* 接待人次达3000万 / 聚集100万左右人口: a bare 万 after a count of visits, or before 人口, is a count;
* 签约8台 is signed, not 约 "about"; a size class may carry a parenthesis (5亿元(3000万美元)以上项目);
* 已经市政府同意 is the document's approval, not a review; 超额完成 reports what was done; a line
  that names its task and then what was done (改造17所…，已完成5所) keeps the task.

Held-out sets 75–94 (dev77–dev96, stop 26) and the development sets' remaining misses:
* amounts in Chinese numerals: 五万元 / 三亿元 (one numeral before 万 or 亿), 一万七千元 (1.7 万元),
  二十万至三十万千瓦 (a range); 20万至30万千瓦 with the scale on both ends; 百分之百; 千分之五点四 (‰);
* 各 / 均 before one value gives it to up to four listed names (电子信息、化纤纺织、机械、造船各突破
  500亿元); a comparator opening a 、-list of counts holds for each (推出不少于200场…、400场…); the
  comparator after 分别 (分别突破7万元和3万元) or closing a 分别 series (分别增长8%和9%以上) holds for
  each value; the same target twice in one sentence is two rows, a sentence printed twice is one;
* a target year just before the plan period (至2007年底 in a 2008 report) is past; 未来三年 in a
  year's plan is that year and two more; “十三五”是… in a later report opens a review; numbers of
  the half year or of months so far with no word of aim (2025年上半年，…307.6亿元 / 1-7月) are
  results; a paragraph opening with the task done (全面完成目标任务。/ 超出目标任务。) is a result;
* 增长5倍 over a plan of several years is cumulative (500 %), and 年均 in a name (PM2.5年均浓度)
  is no yearly rate; a travel-time circle may be a range (1—1.5小时城际交通圈);
* a goal whose line ends in the units it is handed to ((市人力社保局…组织落实)) is a goal; 预计在…的
  基础上 after 主要目标是 is no forecast; a sentence turning to goals under a heading of results
  reads them; a line table may pass over three cells (a 指标类型 column, a category split as 基础⏎设施);
* units 亿吨标煤, 万亩次, Mbps; a time after a date (22日16:56) is no ratio; verbs of work 盘活,
  推荐, 申报, 储备, 推广应用, 增加, 消除;
* a line table whose header names one goal column (指标⏎单位⏎2017年主要预期目标⏎…) with serial rows
  (1.增加值增长 / #增加值(属地)增长) is read, a % unit column beside a quantity making its goal a
  growth; a qualifier in brackets keeps two names apart (增加值 / 增加值(属地));
* 各地GDP增速目标值分别为：鹿城9%，龙湾、瓯海10% gives one row per place; 两年内，… opening a
  clause in a year's report is the next year; 均超年度计划 reports results; each such row keeps
  its place (鹿城) and, with the regions given, its region's code, and two places with one value
  are two targets.

Held-out sets 97–102 (dev99–dev104, stop 27):
* a share before what reaches it takes the verbs 通, 拥有, 得到 too (75%以上的建制村通等级公路,
  城区80%以上街道拥有一所养老院); 覆盖全省80%以上农村人口 is a coverage share;
* the ends and spans of the 11th–13th five-year plans (到“十一五”期末, “十二五”期间) are years as the
  14th's and 15th's are; 2035年目标实现… turns to goals; 截至2021年底 states where things stand;
* a project's card (◆宁波文化广场:总投资30亿元,“十二五”期间投资23亿元,…) gives no targets, nor
  does a value that is part of a quoted name (“3个10”工程, 民营经济发展“30条”);
* a 分别 series of counts keeps its values together (6150万人、2000万人和2300万人); the sum of
  budget revenue in a list of goals (实现一般公共预算收入81亿元) is a target as its growth is;
  funds brought in from outside (市外资金) are no allotment; verbs 压降 (a decrease), 购买, 开发.
* 其目标指向… opens goals; a news page of a plan of several years takes its 今年 from its date in
  the page's header (2017-03-13); 通达全省87%以上的县(市、区) and 覆盖60%以上的重要贸易国家和地区 are
  coverage shares (a longer name after 的).

Held-out sets 103–108 (dev105–dev110, stop 27):
* a line table with a 序号 column of its own (序号⏎指标名称⏎单位⏎2021年目标⏎指标属性⏎1⏎…) is read
  row by row from serial to serial, a row without a value giving nothing;
* 截至今年9月底 reports; a share of the year's plan done (占全年计划的约101.8%, 达到原今年目标的
  136%) is progress; 今年 / 年内 in a plan of several years whose title names no year is its first
  year; a headline's 超15000个 is the text's 15000个以上, and the body or lede is kept over the
  headline; 融资额 is a goal, not an allotment; units 场次, 万平米.

Held-out sets 109–114 (dev111–dev116, stop 27):
* a return period's range (20年至50年一遇); ，五年内力争… is the plan's span from its first year (离校2年内
  is no span); 年均递增 is a growth; 要实现 sets goals, so budget revenue in a year's report is one.

Held-out sets 115–116 (dev117–dev118, stop 27):
* a line of a 实事 list that is only counts (*366张养老床位, *2家社区综合为老服务中心) counts what the
  list's title builds, and 为8个住宅小区新增… counts the places worked on (a leading * mark too);
  tax revenue (全口径税收收入) in a list of goals is a target as budget revenue is; 早在2012年 reports.

Held-out sets 117–122 (dev119–dev124, stop 28):
* progress against the year's plan (占年计划的8.69%, 超序时进度2.4个百分点) and what was done
  before such a share are no targets, nor is a project described by its site (位于…以北…，建设
  规模…); 规划范围: opens a plan's area; 公报显示 reports;
* money added each year (产值每年增加2亿元) and firms added (年均增长30家) are levels;
* 都 and 双双 give one value to each listed name (…都要突破一万亿元); 一万亿元 / 四亿吨 in words;
* a doubling set in quotes (比2020年“翻一番”), a counted doubling over as many names (实现上市企业数、
  …教育卫生投入总量“五个翻番”), and one in so many years (三年翻一番: the plan's third year,
  cumulative); 财政收入…翻番 is a revenue goal; 展望2035年 dates what follows in its paragraph.

Held-out sets 123–126 (dev125–dev128, stop 28):
* a count added in all (累计实现城镇新增就业8000人) is the count reached (C11); a list under
  重点工程/重点任务/建设内容主要包括: sets goals; 破 before a value is 突破; 个亿 is a unit.

Held-out sets 127–132 (dev129–dev132, stop 29):
* rates alone after the levels they belong to (入境游客2700人次以上,创汇75万美元,同比增长18%和18.65%)
  are a series in turn; points added to a rate (新增森林覆盖率0.3个百分点) are a rise; a stretch
  tier (较2020年下降16%以上,力争下降18%) keeps the base year;
* a pipe table with a rule line or a group heading between its rows (| ⏎ 一、发展目标 |) is read; a
  责任单位 column is no unit column; a table's row is kept over the sentences of its own cells;
* works of water and roads are counted (整治, 加固加修, 新(拆)建, 维修改造; earth moved in 万方),
  and one work's measures in a 、-list (整治农村河道340条、409.8公里) each count, named by the work.

Held-out sets 133–136 (dev133–dev136, stop 29):
* a progress table's 重点工作 column is its goal column; revenue growing each year (地方财政收入
  年均增长13%) is a budget-revenue goal; a value converted (超过7万元,折合9000美元) is the same goal;
* projects handled (推进20余个交通项目, 实施156个重点项目, 续建11座) are the year's workload, no
  goal (C4, as the labellers since dev47 hold it); growth ranked first (增幅全市第一) reports a
  result; a rate per 100,000 (8/10万左右) has its unit.

Found by trying bad input (a progress table pasted from a web page):
* a progress table with a row per line and its cells parted by spaces (序号 重点工作任务 牵头责任单位
  一季度完成情况 ⏎ 1 地区生产总值增长6%左右 市发展改革委 一季度增长5.8%): the cell under the goal
  column is read, the progress cell is not — for rows as wide as the header;
* a row's serial number is no part of its indicator (1 地区生产总值 → 地区生产总值).

Confidence (0–1) rises with an explicit verb, comparator, year and a known unit; it orders the
review, it is not a probability.

Catalogue matching
------------------
Names and synonyms (column ``synonyms``, "；"-separated) are compared by the Dice coefficient of
their character bigrams (1.0 when one name contains the other whole, scaled by length; halved
when the shorter is the base of a share in the longer, 占规模以上工业增加值比重); unit
agreement adds to the score: ``score = 0.8 · name + 0.2 · unit``. The best three are
``candidates``; ``indicator`` is set when the best score is at least ``MATCH_THRESHOLD`` and the
unit is not unknown. A place or qualifier in brackets closing the name (GDP(鹿城), 增加值(属地)) is
left out of the comparison: it says whose value it is, not which indicator.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import replace

from . import ranker
from .catalogue import MATCH_THRESHOLD, CatalogueMatcher, _canonical, name_similarity
from .tables import (
    PAGE_META_CELL,
    PROGRESS_TITLE,
    _cell_name,
    _cell_targets,
    _line_tables,
    _names_a_unit,
    _pipe_progress_cells,
    _progress_line_cells,
    _progress_paragraphs,
    _progress_tables,
    _ProgressTable,
    _serial_line_tables,
    _space_tables,
    _spaced_progress_tables,
    _target_columns,
)
from .tasks import RegionMatcher
from .types import Document, DraftTarget, Sentence
from .vocabulary import (
    AIMING,
    ALLOTTED,
    BASELINE,
    BUILD_VERBS,
    CAPACITY_UNITS,
    CJK,
    CLAUSE_SPLIT,
    CODE_SPELLED,
    COMPARATOR_WORDS,
    COMPOUND_UNIT,
    COUNT_UNITS,
    DECREASE_VERBS,
    DOCUMENT_PARTS,
    DONE_SO_FAR,
    DOUBLING,
    DOUBLINGS,
    FISCAL,
    FISCAL_SHARE,
    FIVE_YEAR_PLAN_END,
    FORECAST,
    FRAMED,
    FUTURE,
    GOAL_CONTEXT,
    INCREASE_VERBS,
    KEPT_GROWTH,
    LEADING_CUT,
    LEVEL_VERBS,
    MAKE_UP,
    MANAGEMENT_CAP,
    MONEY,
    NON_NUMERIC,
    NUMBER,
    PARTS_OF,
    PAST,
    PAST_PLAN,
    PAST_SECTION,
    PERIOD_END,
    PERIOD_WORDS,
    PLAN_SCOPE,
    POLICY,
    PREFIX_COMPARATORS,
    PROGRESS_CELL,
    PROJECT_BUDGET,
    PROJECT_SITE,
    PROJECT_SIZE,
    SCALED_UNIT,
    SHARE_COMPARED,
    SHARE_REACHED,
    SIZED_PLACE,
    SKIP_AFTER,
    SUFFIX_COMPARATORS,
    TIME_UNITS,
    TRAIL,
    UNITS,
    WORK_ON,
    YEAR,
    YEAR_SO_FAR,
    _Value,
)

__all__ = ["MATCH_THRESHOLD", "draft_targets", "name_similarity", "parse_plan_period"]

# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------

PLAN_PERIOD_TEXT = re.compile(r"\s*((?:19|20)\d{2})\s*年?\s*(?:[-－—–~～至到]\s*((?:19|20)\d{2})\s*年?)?\s*")


def parse_plan_period(text: str) -> tuple[int, int]:
    """The plan period a user types: "2021-2025" (or 2021—2025, 2021至2025年) → (2021, 2025); one
    year, "2024" — an annual work report, plan or list — → (2024, 2024). ValueError otherwise, or
    when the span runs backwards. (The upload form, the CLI and the evaluation scripts share it.)"""
    match = PLAN_PERIOD_TEXT.fullmatch(str(text))
    if not match:
        raise ValueError(f"not a plan period: {text!r}")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first:
        raise ValueError(f"a plan period runs forwards: {text!r}")
    return first, last


def draft_targets(doc: Document, *, plan_period: tuple[int, int] = (2021, 2025), catalogue=None,
                  regions=None, ranked: bool = True, possible: bool = False) -> list[DraftTarget]:
    """Every target of ``doc`` as a draft: numeric ones and the "完成…下达目标" ones, in the
    order of the text, a target repeated later kept once; matched to ``catalogue`` when given,
    and a per-place row (各县区…分别为：鹿城9%) to its region's code when ``regions`` (a frame of
    code, name_zh and level, as ``draft_tasks`` takes) is given.

    ``ranked`` (the default): the rules' drafts and the other values of the sentences they read
    are weighed by the ranker (``ranker.rank``): its probability becomes each draft's confidence,
    and what falls under its cut is left out — or, with ``possible``, kept and marked possible.
    ``ranked=False``: the rules' drafts alone, with the rules' own confidence."""
    sentences = doc.sentences or _sentences(doc)
    context = _Context(doc, plan_period)
    drafts: list[DraftTarget] = []
    others: list[ranker.OtherValue] = []                 # the values the rules passed over, for the ranker
    past_paragraph, previous_end = False, 0
    goal_block, goal_title, goal_list = False, False, False
    forecast_item = False                                # the last sentence was a ；-item of a forecast
    headline = _headline(doc, sentences)
    heading_block = None                                 # "past" / "goal" under a bare heading line
    # a task table, or a year's work points (2023年农业农村工作要点): every quantity is aimed at
    year_plan = len(DEADLINE_CELL.findall(doc.text)) >= 2 or TASK_TABLE_HEADER.search(doc.text) is not None or any(
        YEAR_PLAN_TITLE.search(line) for line in _short_lines(doc.text[:1500])) or _names_a_year_plan(doc, plan_period)
    progress = _progress_tables(doc) + _spaced_progress_tables(doc)
    progress_cells = _progress_line_cells(doc) + _pipe_progress_cells(doc) + _progress_paragraphs(doc)
    for sentence in sentences:
        if any(table.start <= sentence.start < table.end for table in progress):
            continue                                     # read by its goal column below
        if progress_cells and any(a <= sentence.start < b for a, b in progress_cells):
            continue                                     # a progress cell: results, no targets
        # (a row whose goal cell has no 。 runs on into its progress cell: read up to that cell)
        cell = next((a for a, _ in progress_cells if sentence.start < a < sentence.end), None) if progress_cells else None
        if cell is not None:
            sentence = Sentence(doc.text[sentence.start:cell], sentence.start, cell, sentence.location)
        kind = _heading_kind(doc, sentence, context)
        if kind is not None:
            heading_block = None if kind == "ahead" or kind == "other" and heading_block is None else (
                heading_block if kind == "other" else kind)
            year = _bare_heading_year(sentence.text, context, kind)
            if year is None or year != context.block_year or re.search(r"(?:19|20)\d{2}", sentence.text):
                context.block_start = sentence.start     # (a heading only keeping the year does not move it)
            context.block_year = year
            if kind != "other":
                previous_end = sentence.end
                past_paragraph = False                   # (a heading ends the review above it)
                continue
        opens_goals = _turns_to_goals(sentence.text, context)
        if opens_goals and heading_block == "past":
            heading_block = None                         # (…还明确了今年“三农”工作的主要目标任务 under a review heading)
        if previous_end == 0 or "\n" in doc.text[previous_end:sentence.start]:
            # (a review goes on over the paragraphs after it that say nothing of what is to come:
            # 2021年，安徽文化艺术出新出彩。…⏎公共文化服务惠民乐民。覆盖率由96%提高到98%。…)
            paragraph_end = doc.text.find("\n", sentence.start)
            paragraph = doc.text[sentence.start:paragraph_end if paragraph_end >= 0 else len(doc.text)]
            # (…but not over a heading line or a numbered item: 防治措施力度再加大⏎1、实施约300公里…)
            review_goes_on = past_paragraph and not year_plan and not FUTURE.search(paragraph) \
                and not _turns_to_goals(paragraph, context) and not LIST_ITEM.match(sentence.text) \
                and not _title_line(doc, sentence)
            past_paragraph = _opens_past(sentence.text, context) or _reports_past(sentence.text, context) \
                or review_goes_on
            # the items of a list under a title of goals (主要目标是⏎——…⏎——…) stay goals
            item = bool(LIST_ITEM.match(sentence.text))
            goal_block = opens_goals or goal_title or (item and goal_list)
            goal_list = goal_block and (item or goal_title or _title_line(doc, sentence))
            goal_title = opens_goals and _title_line(doc, sentence)
        elif opens_goals:
            past_paragraph, goal_block = False, True
        elif not past_paragraph and (_opens_past(sentence.text, context) or _reports_past(sentence.text, context)):
            past_paragraph, goal_block = True, False     # 过去一年，…。万亿之城增至5座。
        previous_end = sentence.end
        # (据预测，…老年人口将达1431.1万人；65岁以上…将分别增加67.5万人: the forecast goes on)
        forecast_goes_on = forecast_item and "将" in sentence.text and not AIMING.search(sentence.text)
        forecast_item = sentence.text.rstrip().endswith(("；", ";")) and (
            bool(FORECAST.search(sentence.text)) or forecast_goes_on)
        if _is_spaced_list(sentence.text):
            past_paragraph = False                       # (a spaced list is judged item by item)
        if past_paragraph or sentence is headline or heading_block == "past" or forecast_goes_on:
            continue
        among_goals = goal_block or heading_block == "goal" or year_plan or _assigned(doc, sentence)
        drafts += _targets_of_sentence(sentence, context, goal_block=among_goals)
        if ranked:
            others += _other_values(sentence, context, among_goals)
    context.block_year = None
    drafts += _progress_targets(doc, context, progress)
    drafts += _table_targets(doc, context, drafts)
    cut = _cut_off_tail(doc.text)
    if cut is not None:
        drafts = [d for d in drafts if d.end <= cut]
    # (至2007年底，上海已建成健身苑201个 in a 2008 report: a year just before the plan period is
    # gone, what it reached a result; a year long before it is kept, in case the period typed is wrong)
    drafts = [d for d in drafts if not (d.target_year and plan_period[0] - 3 <= d.target_year < plan_period[0])]
    drafts = _dedupe(drafts)
    if ranked:
        drafts = ranker.rank(drafts, others, possible=possible)
    if catalogue is not None:
        matcher = CatalogueMatcher(catalogue)
        for draft in drafts:
            matcher.match(draft)
    if regions is not None and len(regions) and any(d.place for d in drafts):
        places = RegionMatcher(regions)
        for draft in drafts:
            codes = places.find(draft.place) if draft.place else []
            draft.region = codes[0] if len(codes) == 1 else None
    return drafts


# the count of the items a list has just named (A、B、C等13个…): no goal, the conventions' names and
# counts of parts
LISTED_COUNT = re.compile(r"、[^，,；;。、]{1,20}等$")


def _other_values(sentence: Sentence, context: _Context, among_goals: bool) -> list[ranker.OtherValue]:
    """Every value of a sentence the rules read, each made a draft by the rules' own reading of
    its year, comparator and change (as if a goal verb had been found before it): what the
    ranker weighs beside the rules' drafts. Most are no targets; the ranker tells."""
    others = []
    text = sentence.text
    if not (_may_hold_targets(text) or MAGNITUDE.search(text)):
        return others                                    # (no value can be read: most sentences)
    for clause, clause_start in _clauses(text):
        values = _values(clause)
        for value in values:
            if LISTED_COUNT.search(clause[:value.start]):
                continue                                 # (…、工程机械、物联网等13个集群: the items named, counted)
            verb, change, verb_start = _verb_before(clause[:value.start])
            draft = _finish((value, verb or "", change or "level", verb_start), clause, clause_start, sentence, context)
            if draft is not None:
                others.append(ranker.OtherValue(draft, verb or "", len(values), among_goals))
    return others


# a goal handed to the units named after it: 新增城镇就业人数20万人。(市人力社保局会同有关部门…组织落实)
ASSIGNED = re.compile(r"[(（][^()（）]{2,40}(?:牵头|负责|落实|配合|组织实施)[^()（）]{0,10}[)）]\s*$")


def _assigned(doc: Document, sentence: Sentence) -> bool:
    """The sentence's line ends in the units it is handed to, in brackets (its own or the next)."""
    line_end = doc.text.find("\n", sentence.end)
    return bool(ASSIGNED.search(doc.text[sentence.start:line_end if line_end >= 0 else len(doc.text)]))


# A task-division table (任务分解表) flattened to lines: each task has a deadline cell of its own
# ("2024年底前"). Its tasks are the year's work, so the quantities in them are aimed at.
YEAR_PLAN_TITLE = re.compile(r"(?:19|20)\d{2}年.{0,24}?(?:工作要点|工作计划|重点工作|工作安排|工作任务|任务清单|"
                             r"重点任务|任务分解|民生实事|为民办实事|实事项目)")
# … or a news text about one (…发布《安徽省有效投资专项行动方案(2023)》): a plan for one year,
# named in its opening, when the user's plan period is that year
YEAR_PLAN_NAMED = re.compile(r"《[^》]{0,60}?(?:(?P<a>(?:19|20)\d{2})年?[^》]{0,40}?(?:方案|计划|要点|政策|措施|意见|安排|清单)|"
                             r"(?:方案|计划|要点|政策|措施|意见|安排|清单)[(（](?P<b>(?:19|20)\d{2})年?[)）])》")


# a five-year or special plan of the plan period named in the opening: 《温州市综合交通运输发展“十四五”规划》
PLAN_NAMED = re.compile(r"《[^》]{0,40}?(?:[“\"]?十(?P<plan>[三四五])五[”\"]?[^》]{0,20}?(?:规划|计划|方案)|"
                        r"(?:规划|计划|方案)[(（](?P<first>(?:19|20)\d{2})\s*[-—－~～至]\s*(?P<last>(?:19|20)\d{2})年?[)）])》")


def _names_the_plan(opening: str, plan_period) -> bool:
    for match in PLAN_NAMED.finditer(opening):
        if match.group("plan"):
            if FIVE_YEAR_PLAN_END[match.group("plan")] == plan_period[1]:
                return True
        elif int(match.group("last")) == plan_period[1]:
            return True
    return False


def _short_lines(opening: str) -> list[str]:
    """The title-like lines of a text's opening: short, without a full stop or a comma (a page's
    metadata lines come first on a government site, so not only the first three)."""
    return [line for line in opening.splitlines() if 0 < len(line.strip()) <= 60 and not re.search(r"[。，,]", line)]


def _names_a_year_plan(doc: Document, plan_period) -> bool:
    if plan_period[0] != plan_period[1]:
        return False
    return any(int(m.group("a") or m.group("b")) == plan_period[0] for m in YEAR_PLAN_NAMED.finditer(doc.text[:400]))


TASK_TABLE_HEADER = re.compile(r"(?m)^[^\n]*\|[^\n]*(?:责任单位|牵头单位|责任部门|完成时限)[^\n]*$")
DEADLINE_CELL = re.compile(r"(?m)^[ \t|]*(?:19|20)\d{2}年(?:\d{1,2}月)?(?:底|末)?(?:前|以前|之前)[ \t|]*$")


# A paragraph of results opens with the time it looks back on (过去一年，… / 五年来，… / 2022年，…
# for a year before the plan period): in work reports and plans its later sentences report
# results without a marker of their own (规上工业增加值增长7%。), so the whole paragraph is past
# until a sentence turns to goals (今年 / 目标 / 到2025年 …).
# (after a short lead-in of a news text: "人民网了解到，“十三五”期间，…")
# (a news lead-in may stand first: 记者从22日召开的…会议上获悉，2018年我省…)
PAST_OPENER = re.compile(r"^(?:(?:[^，,。；;]{0,10}[，,]){1,2}|[^，,。；;]{0,40}(?:获悉|了解到)[，,]?)?[“\"]?(?:过去(?:的)?(?:一|三|五|几)?年|去年|上年|一年来|五年来|"
                         r"几年来|近(?:几|三|五)年|这(?:一|五|几|些)年[，,]|今年以来|初步核算|"
                         # (a 实事 list's results: 全面完成目标任务。2019年，新增养老床位1467张)
                         r"(?:全面|超额|已|基本|提前)?(?:完成|超出)了?(?:年度)?目标任务[。，,]|"
                         r"十(?P<plan>[二三四])五[”\"]?(?:时期|期间|以来|是)|(?P<year>(?:19|20)\d{2})年(?:以来|[，,]|(?![底末前初])))")
# (not a bare 目标 or 预期: reviews say 完成年度目标 and 好于预期)
GOAL_OPENER = re.compile(r"(?:主要|预期|发展|总体)目标|目标(?:是|为|指向|包括)|(?:重点工程|重点项目|主要任务|重点任务|建设内容)(?:主要)?(?:包括|有)[:：]|指标(?:体系)?安排|(?:我|全)(?:市|省|区|县)将|(?:明确|提出)了?[^，,。]{0,8}目标。|(?<!截至)今年(?!以来|上半年|前三季度|一季度|前\d{1,2}个月|1[-－—~至]\d)|明年|今后|未来|到(?:19|20)\d{2}年|力争|规划期")


LIST_ITEM = re.compile(r"^(?:——|[■□◆◇●○▲△★☆►▶•·\-*]|\d{1,2}[.、．]|[(（][一二三四五六七八九十\d]{1,3}[)）])")


def _title_line(doc: Document, sentence: Sentence) -> bool:
    """The sentence ends its line and heads the list below it: short and without a full stop
    ("今年主要预期目标"), or closed by a colon ("今后五年经济社会发展的主要目标是：")."""
    line_end = doc.text.find("\n", sentence.end)
    rest = doc.text[sentence.end:line_end if line_end >= 0 else len(doc.text)]
    if rest.strip():
        return False
    return sentence.text.endswith((":", "：")) or (len(sentence.text) <= 30 and not re.search(r"[。，,]", sentence.text))


# A summary page or a scraped report often has no numbered sections, only bare heading lines
# ("2021重点回顾" / "2022主要任务" / "2022年十项重点工作") each over a run of short lines that
# carry no marker of their own ("GDP增长7.5%"). A heading line that looks back (回顾 / 成就 /
# a year before the plan period without 目标 / 任务) makes the lines under it past results; one
# that sets out the plan (目标 / 任务 / 指标 / 重点 / 安排 / 计划 with a year of the plan, or
# 目标 / 指标 alone) makes them goals — until the next such heading. A neutral heading ("创新",
# "经济": a sub-heading) keeps the block it stands in.
HEADING_LOOKS_BACK = re.compile(r"回顾|(?<!新)成就|(?<!新)成效|(?<!新)成绩|进展|总结|基础(?!设施)|现状|情况")
HEADING_SETS_GOALS = re.compile(r"目标|指标|任务|重点|安排|计划|部署|要点")
# (issue 17, fifth development set) a heading that names a span of years without looking ahead
# ("赶超发展的五年", "奋进的十年", "五年来") heads a review: the lines under it are results, not
# goals ("今后五年的重点目标" / "未来五年" look ahead and are not matched)
HEADING_PAST_SPAN = re.compile(r"(?:的(?:[一二三四五六七八九十]|几)年|(?:[一二三四五六七八九十]|几)年来)$")
HEADING_AHEAD = re.compile(r"今后|未来|下一|接下来|新的|到|至|目标|任务")
# … and a heading naming the year's work ("2017年主要工作", "2026年工作安排") in the plan period
# sets out that year's goals, unless it looks back ("2017年工作回顾")
HEADING_YEAR_WORK = re.compile(r"(?:19|20)\d{2}年?(?:的)?(?:主要|重点)?工作$")


# (2000公里绿道串起一城山水: 2000 with a unit is a quantity, not a year)
NOT_A_QUANTITY = r"(?!\s*(?:公里|千米|米|万|亿|个|家|名|人|吨|元|亩|%|项|条|座|所|台|辆|套|户|件|平方|立方))"


def _heading_kind(doc: Document, sentence: Sentence, context: "_Context") -> str | None:
    """"past", "goal" or "other" for a bare heading line (a whole line, short, no punctuation,
    no number but a year), else None."""
    text = sentence.text.strip()
    line_start = doc.text.rfind("\n", 0, sentence.start) + 1
    line_end = doc.text.find("\n", sentence.end)
    line = doc.text[line_start:line_end if line_end >= 0 else len(doc.text)].strip()
    if line != text or not 2 <= len(text) <= 24 or re.search(r"[。，,；;：:、%！？!?]", text) or text[0] in "●○◆◇■□▲△•·":
        return None                                      # (●2016年市区普通高中一体化: an item, not a heading)
    years = [int(y) for y in re.findall(rf"(?<!\d)((?:19|20)\d{{2}})(?!\d){NOT_A_QUANTITY}", text)]
    if re.search(r"\d", re.sub(rf"(?<!\d)(?:19|20)\d{{2}}(?:年)?(?!\d){NOT_A_QUANTITY}|(?:今后|未来|近)\d{{1,2}}年", "", text)):
        return None                                      # a number: a target line, not a heading (今后5年 is a span)
    before_plan = any(y < context.plan_period[0] for y in years)
    in_plan = any(y >= context.plan_period[0] for y in years)
    if (HEADING_LOOKS_BACK.search(text) or before_plan) and not in_plan and not re.search(r"到|至|目标|任务", text):
        return "past"
    if HEADING_PAST_SPAN.search(text) and not HEADING_AHEAD.search(text):
        return "past"
    if HEADING_SETS_GOALS.search(text) and (in_plan or re.search(r"目标|指标", text)):
        return "goal"
    if in_plan and HEADING_YEAR_WORK.search(text) and not HEADING_LOOKS_BACK.search(text):
        return "goal"
    if in_plan and not HEADING_LOOKS_BACK.search(text):
        return "ahead"                   # 锚定挺进前列2024铜陵这样拼: no longer the past, each line judged
    return "other"


def _bare_heading_year(text: str, context: "_Context", kind: str) -> int | None:
    """The year a bare heading line gives the lines under it (until the next bare heading).
    A summary page under one plan period of several years may mix periods: "今后五年的重点目标"
    (the period's last year) and then "2017年主要工作" (that one year). The lines under the
    second have no year of their own; the heading's year is theirs, not the period's last. A
    heading of goals or a neutral one with a year of the plan sets it; one without a year, or
    one that looks back, clears it (an "other" heading without a year keeps the block's)."""
    year = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text)
    if kind == "past":
        return None
    if year is not None:
        value = int(year.group(1))
        return value if context.plan_period[0] <= value else None
    named = NAMED_PLAN.search(text)
    if named and FIVE_YEAR_PLAN_END[named.group(1)] >= context.plan_period[0]:
        return FIVE_YEAR_PLAN_END[named.group(1)]        # (“十三五”时期主要任务 in a 2016 report: to 2020)
    ahead = FIVE_YEARS_AHEAD.search(text)
    if ahead and context.one_year:                       # (今后五年的重点目标 in a 2017 report: to 2021)
        return context.plan_period[0] + _years_ahead(ahead) - 1
    if PERIOD_WORDS.search(text) or PAST_PLAN.search(text):
        return None                                      # “十四五”时期重点工作: the plan's span, not the year
    return context.block_year if kind == "other" else None


# a five-year plan named in a heading (“十三五”时期主要任务)
NAMED_PLAN = re.compile(r"十([一二三四五])五")
# N年内 opening a clause or after a word of aim (两年内，… / ，五年内力争…): a span of years from the
# plan's start — not 离校2年内未就业…, a qualifier
YEARS_WITHIN = r"(?:^|(?<=[，,。；;：:\s])|(?<=力争|争取|计划|预计)|(?<=在))(?P<within>[1-9]|[一二两三四五六七八九十])年内"
# the five years ahead of a year's work report: the government's term, that year and four more
# (未来三年 in a year's plan: that year and two more)
FIVE_YEARS_AHEAD = re.compile(r"(?:今后|未来)(?:的)?(?P<years>[三五35])年|" + YEARS_WITHIN)


def _year_count(text: str) -> int:
    return int(text) if text.isdigit() else int(_cn_integer(text))


def _years_ahead(match: re.Match) -> int:
    return _year_count(match.group("years") or match.group("within"))


def _turns_to_goals(text: str, context: "_Context") -> bool:
    """GOAL_OPENER, except a 到YYYY年 before the plan period ("恢复到2017年的90%": a comparison)."""
    for match in GOAL_OPENER.finditer(text):
        year = re.match(r"到((?:19|20)\d{2})年", match.group())
        if not year or int(year.group(1)) >= context.plan_period[0]:
            return True
    # (村邮站建设年度计划建设800个，现已建成349个: a progress report names the year's task first)
    if context.one_year and YEAR_TASK.search(text):
        return True
    # (会议提到，2022年江苏要出台…: a year of the plan with what is to be done in it)
    return any(int(m.group(1)) >= context.plan_period[0] for m in YEAR_TO_DO.finditer(text))


YEAR_TO_DO = re.compile(r"((?:19|20)\d{2})年[^，,。；;\d]{0,6}?(?:要|将|力争|确保|计划|目标)")
# the year's task named (年度任务是… / 年度计划建设… / 全年目标是…), not a share of it (占年度任务的71%)
YEAR_TASK = re.compile(r"(?<!占)(?<!完成)(?<!实现)(?:年度|全年)(?:任务|计划|目标)(?:是|为|[^\d，,。；;的]{0,8}?\d)")


BASE_FRAME = re.compile(r"在[^，,；;。]{0,30}?的?基础上|(?:从|由)目前(?:的)?")


def _looks_back(text: str, context: "_Context") -> bool:
    """The sentence (or clause) speaks of the past: PAST, or the span of a five-year plan that
    ended before the plan period (十三五期间 in a 十四五 plan, not in a 十三五 one)."""
    if "基础上" in text or "目前" in text:            # (在去年全年总产超过23亿斤的基础上，稳定20亿斤…;
        text = BASE_FRAME.sub("", text)                  # 从目前的15.9万张增加到…: the past named as a base)
    return bool(PAST.search(text)) or ("季度" in text or "半年" in text or "月" in text) and bool(
        YEAR_SO_FAR.search(text)) or any(FIVE_YEAR_PLAN_END[m.group(1)] < context.plan_period[0]
                                         for m in PAST_PLAN.finditer(text))


def _reports_past(text: str, context: "_Context") -> bool:
    """A sentence inside a paragraph that looks back (过去一年，… / …展示了2023年…取得的成绩：…):
    the sentences after it in its paragraph report results too, until one turns to goals — a
    news report lists last year's figures one short sentence after another (地区生产总值万亿之城
    增至5座。一般公共预算收入9930亿元、增长7.3%。) with no marker of the past of their own."""
    # (an item of a ；-list does not: one item may look back while the others set goals)
    return not text.endswith(("；", ";")) and _looks_back(text, context) and not _turns_to_goals(text, context)


# The title of a news report or web page (its first line, short, without a full stop or a
# comma: "2017年江苏政府工作报告“实打实” GDP增长7.8%") sums up the text below it: a figure
# there is a result or a target that the text states again in full, so it gives no target of
# its own unless it names a goal (目标 / 预期 / 力争 / 到2025年 …).
HEADLINE_GOAL = re.compile(r"目标|预期|力争|确保|争取|到(?:19|20)\d{2}年|今后|未来")


def _headline(doc: Document, sentences: list[Sentence]) -> Sentence | None:
    if not sentences:
        return None
    first = sentences[0]
    line_end = doc.text.find("\n", first.start)
    line = doc.text[first.start:line_end if line_end >= 0 else len(doc.text)].strip()
    if line != first.text or len(line) > 60 or re.search(r"[。，,；;]|[：:]$", line) or HEADLINE_GOAL.search(line):
        return None
    if not any(s.start > line_end >= 0 for s in sentences[1:3]):
        return None                                      # a one-line document is no headline
    return first


def _cut_off_tail(text: str) -> int | None:
    """Where the last clause of a text cut off by the page (or the tool) begins, else None.
    A prose line — one with clause marks inside — that ends the document without closing
    punctuation was cut in mid-sentence ("…实施人民城市理念下的有机更新,完成128个老旧小区功能品质(z"):
    its last clause may go on (以上 / 左右, the rest of the indicator), so no value is read there. A
    bare line ("社会消费品零售总额增长7%") ends a list item, not a cut, and is kept."""
    body = text.rstrip()
    line = body[body.rfind("\n") + 1:]
    if re.search(r"\d\.$", line):                          # 研发投入强度达到3. — a number cut after its point
        return len(body) - len(line) + max(line.rfind(mark) for mark in "，,；;、：:。") + 1
    if not line or re.search(r"[。！？!?；;”\"）)…\]】]$", line) or not re.search(r"[，,；;、：:]", line):
        return None
    last_break = max(line.rfind(mark) for mark in "，,；;、：:。")
    return len(body) - len(line) + last_break + 1


# the part of the year a progress report speaks of, opening a sentence (上半年，… / 1-6月，…)
PERIOD_SO_FAR = re.compile(r"(?:今年|(?:19|20)\d{2}年)?(?:上半年|一季度|前三季度|1[-－—~至]\d{1,2}月份?)[，,]")


def _opens_past(text: str, context: "_Context") -> bool:
    if context.progress_report and PERIOD_SO_FAR.match(text):
        return True                                      # (…完成情况: 上半年，全市社会消费品零售总额672.7亿元)
    match = PAST_OPENER.match(text)
    if not match or _turns_to_goals(text, context):
        return False
    if match.group("plan"):                              # 十三五期间: past for a plan after 2020
        return FIVE_YEAR_PLAN_END[match.group("plan")] < context.plan_period[0]
    return match.group("year") is None or int(match.group("year")) < context.plan_period[0]


def _sentences(doc: Document) -> list[Sentence]:
    from .reading import split_sentences

    return split_sentences(doc)


# a page's date near its top (作者:伊文 来源:好玩网 2017-03-13 14:44:58)
DATELINE = re.compile(r"((?:19|20)\d{2})(?:-\d{1,2}-\d{1,2}|年\d{1,2}月\d{1,2}日)")


def _dateline_year(opening: str, plan_period: tuple[int, int]) -> int | None:
    """The year a news page of a plan of several years was written in, when its title names no
    year: its 今年 (合肥…2016~2017年度…方案 reported on 2017-03-13: 今年 is 2017)."""
    found = DATELINE.search(opening)
    year = int(found.group(1)) if found else None
    return year if year is not None and plan_period[0] <= year <= plan_period[1] else None


class _Context:
    """What a sentence needs to know about where it stands: its section's titles (past-result
    sections, 十四五), and the last "到YYYY年" written before it in its paragraph or section."""

    def __init__(self, doc: Document, plan_period):
        self.doc = doc
        self.plan_period = plan_period
        self.one_year = plan_period[0] == plan_period[1]    # a year's report, plan or list
        self.progress_report = bool(PROGRESS_TITLE.search(doc.text[:300]))   # (…一季度完成情况)
        self.block_year: int | None = None           # the year of the bare heading above (see _bare_heading_year)
        self.block_start = 0                         # … and where that heading stands
        self.section_starts = [s.start for s in doc.sections]
        self.deadlines = sorted([(m.start(), int(m.group(2))) for m in
                                 re.finditer(r"(到|至|展望)((?:19|20)\d{2})年(?!的)", doc.text)]
                                + [(m.start(), FIVE_YEAR_PLAN_END[m.group(1)]) for m in PERIOD_END.finditer(doc.text)
                                   if not FRAMED.search(doc.text, max(0, m.start() - 40), m.start())])
        self.deadline_starts = [p for p, _ in self.deadlines]
        # (a work report's page that opens on last year's results, its heading 一、…回顾 cut off, and
        # then "二、2026年重点工作": what stands before the second part is the review)
        first = doc.sections[0] if doc.sections else None
        self.review_end = first.start if first is not None and first.number == "二" and first.level == 1 and (
            HEADING_SETS_GOALS.search(first.title) or any(int(y) >= plan_period[0]
                                                          for y in re.findall(r"((?:19|20)\d{2})年", first.title))) else 0
        # "2024年政府工作报告": the year of 今年, from the title lines (short, no full stop or
        # comma: a news lede "报告回顾了2023年工作，…" is no title) …
        head = [line for line in doc.text[:2000].splitlines() if line.strip()][:3]
        head = [line for line in head if len(line.strip()) <= 60 and not re.search(r"[。，,]", line)]
        self.plan_document = _names_the_plan(doc.text[:400], plan_period)
        years = [int(y) for line in head for y in re.findall(r"((?:19|20)\d{2})年", line)]
        # (else the page's date, in its header: the reader keeps it in the original only)
        self.title_year = years[-1] if years else _dateline_year(doc.original[:600], plan_period)
        # … but a plan period of one year (a work report uploaded as 2024-2024) is that year
        if plan_period[0] == plan_period[1]:
            self.title_year = plan_period[0]

    def block_year_at(self, position: int) -> int | None:
        """The year of the bare heading above ``position``, unless a numbered section begins
        between them ("2024年重点工作 … 三、十四五主要指标": the new section is not the year's)."""
        if self.block_year is None:
            return None
        chain = self.sections_at(position)
        if chain and chain[0].start > self.block_start:
            return None
        return self.block_year

    def sections_at(self, position: int):
        """The section holding ``position`` and its parents, innermost first."""
        index = bisect.bisect_right(self.section_starts, position) - 1
        chain = []
        while index >= 0:
            section = self.doc.sections[index]
            if section.start <= position < section.end and (not chain or section.level < chain[-1].level):
                chain.append(section)
            if section.level == 1:     # a chapter closes everything before it: no earlier section holds it
                break
            index -= 1
        return chain

    def past_section(self, position: int) -> bool:
        """A section of results: 回顾 / 成就 / 发展基础 …, or a year before the plan period in its title;
        and the text before a report's second part when the page lost the first part's heading."""
        if position < self.review_end:
            return True
        for section in self.sections_at(position):
            if PAST_SECTION.search(section.title):
                return True
            year = re.search(r"((?:19|20)\d{2})年", section.title)
            if year and int(year.group(1)) < self.plan_period[0] and not re.search(r"到|至|目标", section.title):
                return True
        return False

    def period_section(self, position: int) -> bool:
        chain = self.sections_at(position)
        if any(PERIOD_WORDS.search(s.title) for s in chain):
            return True
        if chain:
            head = self.doc.text[chain[0].start:min(chain[0].end, chain[0].start + 400)]
            return bool(PERIOD_WORDS.search(head))
        return False

    def heading_year(self, position: int) -> int | None:
        """A year in the title of a section holding ``position`` (not before the plan period)."""
        for section in self.sections_at(position):
            match = re.search(r"((?:19|20)\d{2})年", section.title)
            if match and int(match.group(1)) >= self.plan_period[0]:
                return int(match.group(1))
        return None

    def goal_context(self, position: int) -> bool:
        """The paragraph or section sets goals: a 到YYYY年 before, 目标 / 十四五 in a heading —
        or the whole text is (news of) a plan for the user's plan period: its measures are goals."""
        if self.plan_document or self.year_before(position) is not None or self.period_section(position):
            return True
        # (a news lede sums up a plan's goals before the sentence that names its year: "新开工5座
        # 跨江通道建成6座；……《规划》正式公布，…计划到2025年…")
        paragraph_end = self.doc.text.find("\n", position)
        paragraph_end = len(self.doc.text) if paragraph_end < 0 else paragraph_end
        index = bisect.bisect_right(self.deadline_starts, position)
        while index < len(self.deadlines) and self.deadlines[index][0] < paragraph_end:
            if self.deadlines[index][1] >= self.plan_period[0]:
                return True
            index += 1
        return any(re.search(r"目标|指标|任务", s.title) for s in self.sections_at(position))

    def year_before(self, position: int) -> int | None:
        """The last 到YYYY年 before ``position`` in the same paragraph, else the same section."""
        index = bisect.bisect_right(self.deadline_starts, position) - 1
        if index < 0:
            return None
        at, year = self.deadlines[index]
        if "\n" not in self.doc.text[at:position].strip("\n"):
            return year
        chain = self.sections_at(position)
        if chain and chain[0].start <= at:
            return year
        return None


# ---------------------------------------------------------------------------------------------
# One sentence
# ---------------------------------------------------------------------------------------------

# what a sentence must hold to be read at all: a number, a doubling, a target set above, a benchmark
SENTENCE_TRIGGER = re.compile(r"\d|[百千]分之|翻.?番|下达|确定的|平均水平|同步|衔接|相匹配|[省市][定控]目标|国家(?:规定|要求|二级标准|标准)|"
                              r"[快高]于经济")


YEARS_IN_TURN = re.compile(r"(?:到|至)?((?:19|20)\d{2})年(?:底|末)?(?:[、和及]((?:19|20)\d{2})年(?:底|末)?)+")


def _years_in_turn(text: str, offset: int, drafts: list[DraftTarget]) -> None:
    """到2017年、2020年…治理率分别达到60%、90%: the values after 分别 take the years in turn."""
    for match in YEARS_IN_TURN.finditer(text):
        years = [int(y) for y in re.findall(r"((?:19|20)\d{2})年", match.group())]
        each = text.find("分别", match.end())
        stop = re.compile(r"[。；;]").search(text, match.end())
        if each < 0 or (stop and stop.start() < each):
            continue
        clause_end = CLAUSE_SPLIT.search(text, each)                # (the values after 分别, in its clause)
        end = clause_end.start() if clause_end else len(text)
        after = [d for d in drafts if d.numeric and offset + match.end() < d.end <= offset + end]
        if len(after) == len(years) and len({d.indicator_text for d in after}) == 1:
            for draft, year in zip(after, years):
                draft.target_year = year


# a project's card in a plan's list (◆宁波文化广场:总投资30亿元,“十二五”期间投资23亿元,规划面积240亩…):
# what the project costs and measures, no goal of the plan
PROJECT_CARD = re.compile(r"[◆●■▲•·\-\s\d.、]*[^:：，,。;；]{2,40}[:：]\s*(?:项目)?(?:计划|估算)?总投资")


# the share of the year's plan done (占全年计划的约101.8%、96.4% / 达到原今年目标的136%、125% /
# 占年计划的8.69%),
# and how far ahead of it the work runs (超序时进度2.4个百分点)
YEARS_PLAN = r"(?:全年|年度|今年|当年|年)(?:计划|目标|任务)"
PLAN_SHARE = re.compile(rf"(?:(?:占|达到|完成|为)(?:原)?{YEARS_PLAN}(?:数)?的?约?(?:[\d.]+%、)*"
                        r"|(?:超|超过|快于|高于)(?:序时|时序)进度)\s*$")


# what was done, followed by its share of the year's plan (完成投资8.08亿元,占年计划的10.73%)
DONE_SHARE = re.compile(rf"[，,]?\s*占{YEARS_PLAN}")


# a line of a list that is only counts of things (*30个市民益智健身苑点、2片市民足球场)
COUNT_FIRST_LINE = re.compile(rf"^[*＊\s]*\d+(?:个|家|张|片|所|座|处|条|名|户|台|套|辆)[{CJK}“”()（）]{{2,20}}"
                              rf"(?:、\d+(?:个|家|张|片|所|座|处|条|名|户|台|套|辆)[{CJK}“”()（）]{{2,20}})*\s*$")


def _may_hold_targets(text: str) -> bool:
    """A digit, a number in words or a word of benchmark targets (下达, 平均水平 …): the cheap
    test before a sentence is read."""
    return bool(SENTENCE_TRIGGER.search(text) or CN_NUMBER.search(text) or CN_COUNT.search(text))


def _targets_of_sentence(sentence: Sentence, context: _Context, *, goal_block: bool = False,
                         in_goal_column: bool = False) -> list[DraftTarget]:
    """The targets of one sentence. ``goal_block``: the sentence stands in a paragraph (or under a
    title line) that has set out goals before it (主要预期目标是：… / 今年主要预期目标⏎…).
    ``in_goal_column``: a cell of a progress table's goal column, a goal whatever the section."""
    text = sentence.text
    if not _may_hold_targets(text):
        return []
    if context.past_section(sentence.start) and not in_goal_column or PROJECT_CARD.match(text):
        return []
    # a forecast holds from its clause on: in the first clause the whole sentence is one
    # (预计全年增长5%，…); later (…突破3500公里，其中6个项目有望在今年建成通车) the clauses before stand
    forecast = FORECAST.search(text)
    if forecast and GOAL_ANNOUNCE.search(text, 0, forecast.start()) and text.startswith("预计在", forecast.start()):
        forecast = None                                  # (主要目标是，预计在…的基础上，…增长10%以上: the goals)
    forecast_from = max((text.rfind(mark, 0, forecast.start()) for mark in "，,；;"), default=-1) + 1 \
        if forecast else len(text)
    if forecast_from == 0:
        return []
    # (a table row's progress cell, "| 进展情况：…完成80%", reports what was done: read up to it)
    progress_cell = PROGRESS_CELL.search(text) if "|" in text else None
    if progress_cell:
        forecast_from = min(forecast_from, progress_cell.start())
    # (a spaced list's items are judged one by one: 共征集意见建议70余条 in one, 更换143台 in another)
    spaced = _is_spaced_list(text)
    past = not spaced and _looks_back(text, context)
    # A sentence that looks back and then forward ("去年GDP增长5.8%，今年预期目标为增长5%以上"):
    # judged clause by clause — past until a clause turns to goals, and again when one looks back.
    mixed = past and _turns_to_goals(text, context)
    # (a progress report's line names its task, then what was done: 改造17所市级医院急诊室，已完成5所)
    task_then_done = past and not mixed and (context.progress_report or context.one_year) and bool(re.search(r"[，,；;](?:已|目前已|正在)", text)) \
        and not _looks_back(CLAUSE_SPLIT.split(text, 1)[0], context)
    mixed = mixed or task_then_done
    drafts = []
    # (2021年新增“三品一标”农产品1000个 in a plan of 2021–2025: a year of the plan sets a goal)
    goal_sentence = bool(GOAL_CONTEXT.search(text)) or context.goal_context(sentence.start) or (
        context.plan_period[0] < context.plan_period[1] and not past
        and any(int(y) >= context.plan_period[0] for y in re.findall(r"(?<![到至])((?:19|20)\d{2})年(?![底末]?前)", text)))
    # a value with no verb is taken where goals are set: a goal sentence, a paragraph or list of
    # goals, a section headed by a year of the plan (2025年工作安排) or a sentence naming one
    # (worked out only when a clause has such a value: most sentences have none)
    cache: list[bool] = []

    def verbless() -> bool:
        if not cache:
            cache.append(goal_sentence or goal_block or context.heading_year(sentence.start) is not None or any(
                int(y) >= context.plan_period[0] for y in re.findall(r"((?:19|20)\d{2})年", text)))
        return cache[0]
    previous_clause = ""
    clause_past = not task_then_done
    last_clause_drafts: list[DraftTarget] = []           # the numeric targets of the clause before
    carried_build = None
    # a goal paragraph or list (goal_block) sets goals as a goal sentence does: its budget revenue
    # growth and its counts to build (净增高新技术企业1000家) are targets there too
    # … and so does a year's work report or plan (a plan period of one year) for the measures it
    # lists: "实施城中村改造项目2个，改造老旧小区26个" — the past is skipped before
    goal_setting = goal_sentence or goal_block or context.plan_period[0] == context.plan_period[1]
    bare_names: list[str] = []                          # names without a value of their own, just before
    value_chain: list[DraftTarget] = []                  # a name list's values, one per clause (see _next_value)
    opening = ""                                         # a comparator opening a 、-list of counts
    for clause, clause_start in _clauses(text):
        if clause_start >= forecast_from:
            break
        if mixed:
            if _turns_to_goals(clause, context) and not DONE_SO_FAR.search(clause):
                clause_past = False
            elif _looks_back(clause, context):
                clause_past = True                       # (今年已完工3台: this year, but done)
        if not clause.strip() or (past and not mixed) or (mixed and clause_past) or (spaced and _looks_back(clause, context)):
            continue
        if goal_sentence or goal_block:
            drafts += _benchmark_targets(clause, clause_start, sentence, context)
        # a clause that begins with its verb (…9930亿元、增长7.3%) takes its subject from the one before
        subject = previous_clause + clause if VERB_BEFORE_NUMBER.match(clause) else clause
        previous_clause = clause
        if FISCAL.search(subject) and not _budget_revenue_goal(subject, goal_sentence or goal_block) \
                and not FISCAL_SHARE.search(subject):
            continue                                     # (税收收入占一般公共预算收入比重82%: a share, a goal)
        # 净增高新技术企业1000家、规上工业高企200家: a count after a 、 that follows a count built
        # is built by the same verb (the verb is written once for the list)
        # (in a goal sentence a ， does too: 培育100个优势区，100个特色产业强镇)
        carried = carried_build if clause_start > 0 and (
            text[clause_start - 1] == "、" or goal_setting and text[clause_start - 1] in "，,") else None
        # (a 实事 list's line that opens with its count, the verb in the list's title: *366张养老床位)
        if carried is None and clause_start == 0 and goal_block and COUNT_FIRST_LINE.match(text):
            carried = "新增"
        found_here = _clause_targets(clause, goal_setting, verbless=verbless, carried_build=carried)
        if not found_here and last_clause_drafts:
            found_here = _part_of_previous(clause, last_clause_drafts[-1])
        drafts_before = len(drafts)
        if not found_here and len(last_clause_drafts) == 1 and text[clause_start - 1:clause_start] == "、" \
                and VALUE_ONLY.match(clause) and (alone := _values(clause)):
            follower = _next_value(last_clause_drafts[0], alone[0], sentence.start + clause_start)
            drafts.append(follower)
            value_chain = (value_chain or [last_clause_drafts[0]]) + [follower]
            _name_chain(value_chain)
        # "稳定在1500万亩、120亿斤以上": the comparator closing a 、-list of values holds for each
        # (not "8%和8%以上": 和 joins two targets, each with its own comparator)
        # (面积8124.9万亩、产量740亿斤以上的目标任务: over a short name too, with no verb of its own;
        # not 实施重点工程269项、年度投资400亿元左右, a second measure)
        closing = SHARED_COMPARATOR.match(clause) if clause_start > 0 and text[clause_start - 1] == "、" else None
        if closing and len(last_clause_drafts) == 1 and last_clause_drafts[0].comparator == "=" \
                and len(closing.group("name")) <= 3 and not VERB_BEFORE_NUMBER.search(closing.group("name")):
            last_clause_drafts[0].comparator = dict(SUFFIX_COMPARATORS)[closing.group(2)]
        carried_build = next((f[1][len("build:"):] for f in found_here if f[1].startswith("build:")), None)
        if carried_build is None:                        # 建成100景区城、1000个景区镇: the verb of the list
            opening = re.match(r"(?:" + "|".join(BUILD_VERBS) + r")(?=\d)", clause)
            carried_build = opening.group() if opening else None
        for found in found_here:
            draft = _finish(found, clause, clause_start, sentence, context)
            if draft is None:
                continue
            if draft.numeric and draft.indicator_text.endswith("各") and len(draft.indicator_text) > 3:
                draft.indicator_text = draft.indicator_text[:-1]     # 示范企业、绿色工厂各2家: each
                each = True
            else:                                        # (电子信息、机械、造船各突破500亿元 / …均增长15%)
                each = ("分别" in clause or bool(EACH_BEFORE_VALUE.search(clause[:found[0].start]))) \
                    and len(found_here) == 1
            shared = (found[1] == "翻番" and _counted_doubling(clause, found[0].start)) or (
                _shared_value_names(draft.indicator_text, doubling=found[1] == "翻番", each=each)
                if draft.numeric and len(found) <= 4 and not found[1].startswith("build:") else [])
            # (培育100家左右龙头企业和单项冠军企业: one count of both)
            if shared:                                   # 城镇调查失业率和登记失业率稳定在4.3%左右
                draft.indicator_text = shared[0]
                drafts.append(draft)
                for name in shared[1:]:
                    other = _copy(draft)
                    other.indicator_text = name
                    drafts.append(other)
                continue
            stretch = found[1] in ("力争", "争取") or re.fullmatch(         # (…以上、力争达到8.5%)
                r"[、\s]*(?:力争|争取|努力)(?:达到|达|突破|实现|超过|下降|降低|增长|提高)?", clause[:found[0].start])
            if stretch and drafts and drafts[-1].numeric \
                    and not _indicator_text(clause, found[3]):    # 增长6%以上，力争7%: the same indicator
                draft.indicator_text = drafts[-1].indicator_text
                if draft.unit == drafts[-1].unit:        # (年均增长8%，力争突破4000亿元: the level)
                    draft.change_type = drafts[-1].change_type
                    # (较2020年下降16%以上,力争下降18%: the stretch has the same base year)
                    draft.baseline_year = draft.baseline_year or drafts[-1].baseline_year
            converted = re.fullmatch(r"[、\s]*(?:折合|约合)", clause[:found[0].start])
            if converted and drafts and drafts[-1].numeric:     # (人均生产总值超过7万元,折合9000美元: the same goal)
                draft.indicator_text, draft.change_type = drafts[-1].indicator_text, drafts[-1].change_type
                draft.comparator = drafts[-1].comparator if draft.comparator == "=" else draft.comparator
            drafts.append(draft)
        # 推出不少于200场演出、400场阅读推广活动: the comparator opening a 、-list of counts holds
        # for each count after it that has no verb of its own
        last_clause_drafts = [d for d in drafts[drafts_before:] if d.numeric]
        if opening and text[clause_start - 1:clause_start] == "、" and re.match(r"\d", clause) \
                and len(last_clause_drafts) == 1 and last_clause_drafts[0].comparator == "=":
            last_clause_drafts[0].comparator = opening
        else:
            list_head = OPENING_COMPARATOR.search(clause)
            opening = dict(PREFIX_COMPARATORS)[list_head.group(1)] if list_head and len(last_clause_drafts) == 1 else ""
        if not (value_chain and last_clause_drafts and last_clause_drafts[-1] is value_chain[-1]):
            value_chain = []
        if len(last_clause_drafts) == 1 and bare_names and SHARED_BY_ALL.search(clause):
            for name in bare_names:                      # 其中交通投资，高新技术产业投资，民间投资均增长12%
                other = _copy(last_clause_drafts[0])
                other.indicator_text = name
                drafts.append(other)
        bare_names = bare_names + [_bare_name(clause)] if _bare_name(clause) else []
    if not past:
        drafts += _non_numeric(sentence, context)
    _years_in_turn(text, sentence.start, drafts)
    # (打造由4个地标产业、6个优势产业…为核心的产业体系: counts telling what a thing is made of)
    make_up = [(sentence.start + m.start(), sentence.start + m.end()) for m in MAKE_UP.finditer(text)]
    drafts = [d for d in drafts if not any(a <= d.end <= b for a, b in make_up)]
    # (按照“1136”的思路…，即…1个…、1个…: the counts after 即 spell a programme's code)
    # (在2023年的88个全市大交通重点项目中，港航项目42个，…: the parts of a total)
    for opening in (CODE_SPELLED.search(text), PARTS_OF.search(text)):
        if opening:
            drafts = [d for d in drafts if not (d.unit in COUNT_UNITS and d.end > sentence.start + opening.end())]
    # (规划范围为扬州市区及仪征、江都两市，面积3215平方公里: the area a plan covers)
    scope = PLAN_SCOPE.search(text)
    if scope:
        drafts = [d for d in drafts if not ("平方" in d.unit and d.end > sentence.start + scope.end())]
    # (…防灾避险公园位于刘锜路以北…，建设规模20066.25㎡，其中地下13545.9㎡: what a project is)
    site = PROJECT_SITE.search(text)
    if site:
        drafts = [d for d in drafts if d.end < sentence.start + site.start()]
    # (加快培育5亿元、10亿元企业: sums naming a size class of firms, not goals)
    # (and 50亿级项目不少于2个: a value "of a grade" is a class too)
    drafts = [d for d in drafts if not (MONEY.search(d.unit) and SIZE_CLASS.match(text, d.end - sentence.start)
                                        or d.unit.endswith("级"))]
    return _per_place(text, sentence.start, drafts)


# "各地GDP增速目标值分别为：鹿城9%，龙湾、瓯海10%": one indicator given to places, a value each
PER_PLACE = re.compile(r"各(?:地|县|区|市|乡镇|设区市|县[(（]?市[、，,]?区[)）]?)(?P<head>[^，,；;。:：]{1,20}?)"
                       r"(?:目标值?|预期值)?分别(?:为|是|达到)[:：]?")


def _per_place(text: str, sentence_start: int, drafts: list[DraftTarget]) -> list[DraftTarget]:
    """The values after PER_PLACE, each named by a place or a 、-list of places: one row per place,
    the indicator the head's (GDP增速 → a growth), the place in brackets."""
    opening = PER_PLACE.search(text)
    if not opening:
        return drafts
    head = re.sub(r"(?:增速|增幅|增长率?|增长)$", "", opening.group("head").strip()) or opening.group("head")
    change = "increase" if re.search(r"增速|增幅|增长", opening.group("head")) else (
        "decrease" if re.search(r"下降|降低|降幅", opening.group("head")) else None)
    result = []
    for draft in drafts:
        places = draft.indicator_text.split("、")
        if draft.end <= sentence_start + opening.end() or not all(
                re.fullmatch(rf"[{CJK}]{{2,5}}", p) for p in places):
            result.append(draft)
            continue
        for place in places:
            row = _copy(draft)
            row.indicator_text = f"{head}({place})"
            row.place = place
            row.change_type = change or draft.change_type
            result.append(row)
    return result


# what follows sums that name a size class (5亿元、10亿元企业, 百亿级项目)
SIZE_CLASS = re.compile(r"(?:、\d+(?:\.\d+)?[万亿千百]*元)*(?:[(（][^()（）]{1,12}[)）])?(?:级|以上)?(?:的)?(?:企业|龙头企业|项目)")


# A list of targets joined by 、 (主要预期目标为生产总值增长5.5%左右、城镇调查失业率控制在5%以内、
# 居民消费价格涨幅2%左右): a 、 right after a value — a number with its unit or a comparator word
# after it — separates two targets, as a ， would; a 、 between names (节能减排和大气、水环境质量)
# or numbers in a name (1、2号线) does not.
VALUE_LIST_BREAK = re.compile(rf"(?:\d%|[\d十百千](?:万|亿|千|百)?[{CJK}]{{1,3}}|左右|以上|以内|以下|之内)、(?=[{CJK}A-Za-z“\"「]|(?:19|20)\d{{2}}年|"
                              rf"\d+(?:\.\d+)?[^\d，,；;。、]{{0,5}}?(?:以上|左右|以内)?(?:[，,；;。]|$))")   # (…125公里、300公里以上)
# a clause that is only a value, after a 、: the next value of the names before (高铁、高速通车里程125公里、300公里以上)
VALUE_ONLY = re.compile(r"^\d+(?:\.\d+)?[^\d，,；;。、]{0,5}?(?:以上|左右|以内)?[。；;]?$")


# "平均换乘时间缩短至8分钟(新建综合枢纽5分钟内)": a parenthesis right after a value that holds a
# name and a value of its own is a second target of the same kind, its own clause (a parenthesis
# inside a name — 开发区(园区) — or one without a number stays where it is)
VALUE_PAREN = re.compile(rf"(?<=[\d%{CJK}])[(（](?=[^()（）]*?[{CJK}]{{2}}[^()（）]*?\d[^()（）]*[)）])")


# (not after a word that governs the count: 均要至少建成1个, 力争新增5家)
BUILD_BREAK = re.compile(rf"(?<=[{CJK}])(?<!至少)(?<!力争)(?<!确保)(?<!争取)(?<!不少于)"
                         rf"(?:建成|新建|扩建|新开工|改造|改建|续建|新增)(?=\d)")


COMPARATOR_BREAK = re.compile(rf"\d%?(?:以上|左右|以内)(?=[{CJK}]{{2}}[^，,；;。、]*?(?:达到|超过|突破|提高到|增长|下降)\d)")


COUNT_ITEM_BREAK = re.compile(r"、(?=\d+(?:\.\d+)?(?:万|亿)?(?:" + "|".join(
    sorted((u for u in UNITS if u in {"个", "家", "所", "座", "项", "条", "处", "件", "批", "张", "辆", "台", "套", "名",
                                       "人", "户", "艘", "架", "支", "场", "株", "头"}), key=len, reverse=True)) + "))")


def _clauses(text: str) -> list[tuple[str, int]]:
    """The clauses of a sentence with where each starts: split at ，；：, at a 、 after a value
    and at a parenthesis after a value that holds a value of its own."""
    result, position = [], 0
    for clause in _split_clauses(text):
        clause_start = text.find(clause, position)
        position = clause_start + len(clause)
        cut = clause_start
        breaks = []                                      # (where the separator starts, its length)
        for match in VALUE_LIST_BREAK.finditer(clause):
            if not re.search(r"[\d十百千]", clause[:match.end()]) or _unit_run(clause, match):
                continue
            if re.search(r"\d(?:分钟|小时|天)内?、$", match.group()) and REACH.search(clause, match.end()):
                continue                                 # 1天、2天、3天送达: one list, one verb
            if clause[match.end():match.end() + 1].isdigit() and "分别" in clause[:match.start()]:
                continue                                 # 分别达到55平方米、50平方米: one series
            breaks.append((match.end() - 1, 1))
        # a lede that drops its commas: "新开工5座跨江通道建成6座" is two clauses
        # (only right after a value's own noun: not "光伏新增1430万千瓦、风电新增388万千瓦", a 、-list)
        breaks += [(match.start(), 0) for match in BUILD_BREAK.finditer(clause)
                   if re.search(r"\d[^、，,；;\d]*$", clause[:match.start()])
                   and not re.search(r"(?:将|要|再|力争|确保|计划|拟|可|年)$", clause[:match.start()])]
        # … and at a 、 before a count that opens the next item (培育5个以上…平台、10家以上…企业)
        # (not inside a 分别 series: 参保人数分别达到6150万人、2000万人和2300万人)
        breaks += [(match.start(), 1) for match in COUNT_ITEM_BREAK.finditer(clause)
                   if re.search(r"\d", clause[:match.start()]) and (match.start(), 1) not in breaks
                   and not re.search(r"分别[^，,；;。]*$", clause[:match.start()])]
        # … and "合格率达95%以上全省体育产业总规模超过7200亿元": a comparator word closes a value
        breaks += [(match.end(), 0) for match in COMPARATOR_BREAK.finditer(clause)]
        breaks += _glued_items(clause)
        for at, length in sorted(breaks):
            end = clause_start + at
            result.append((text[cut:end], cut))
            cut = end + length
        result.append((text[cut:position], cut))
    return result


# a numbered item run on after the one before it with no mark between (…增长3.5%2.一般公共预算收入…)
GLUED_ITEM = re.compile(rf"(?<=[%{CJK}])(\d{{1,2}})[.．、](?=[{CJK}])")
LIST_NUMBER = re.compile(rf"(?:^|(?<=[:：]))\s*(\d{{1,2}})[.．、](?=[{CJK}])")


def _glued_items(clause: str) -> list[tuple[int, int]]:
    """(start, length) of each numbered item mark glued to the item before it, in a clause that
    opens a numbered list (1.规模以上工业增加值增长3.5%2.一般公共预算收入增长6%3.…): only marks
    that go on counting from the clause's first, so 3.5% is not read as item 3."""
    first = LIST_NUMBER.search(clause)
    if first is None or first.start() > 0 and not re.fullmatch(r"[^，,；;\d]{0,12}[:：]", clause[:first.start()]):
        return []
    # (分别为:1.… — the lead-in before the first item is a clause of its own)
    marks, expected = [(first.start(), 0)] if first.start() else [], int(first.group(1)) + 1
    for match in GLUED_ITEM.finditer(clause, first.end()):
        if int(match.group(1)) == expected:
            marks.append((match.start(), len(match.group())))
            expected += 1
    return marks


# a list page that lost its punctuation: items on one line, parted by spaces and [n] marks
# ("…全年城镇新增就业2700人 不断提高… [2] 项目五：环境有改善 - 对…3公里河道实施生态综合治理 …")
SPACED_ITEMS = re.compile(rf"(?<=[{CJK}”）)\]])\s+(?:\[\d+\]\s*)?(?:-\s+)?(?=[{CJK}“（(])")


def _is_spaced_list(text: str) -> bool:
    return len(text) > 60 and not re.search(r"[，,；;。]", text) and len(SPACED_ITEMS.findall(text)) >= 3


def _split_clauses(text: str) -> list[str]:
    parts = []
    separator = SPACED_ITEMS if _is_spaced_list(text) else CLAUSE_SPLIT     # (each spaced item a clause)
    for clause in separator.split(text):
        cut = 0
        for match in VALUE_PAREN.finditer(clause):
            if re.search(r"\d", clause[:match.start()]) and _ends_with_value(clause[:match.start()]):
                parts.append(clause[cut:match.start()])
                cut = match.end()
        parts.append(clause[cut:])
    return parts


def _ends_with_value(text: str) -> bool:
    """The text ends with a number and its unit or comparator word (…缩短至8分钟)."""
    values = _digit_values(text)
    return bool(values) and not text[values[-1].end:].strip()


def _unit_run(clause: str, match: re.Match) -> bool:
    """The characters after a number before 、 are a name, not a unit (5G基站、…): no known
    unit or comparator word ends them."""
    tail = re.sub(r"^[\d十百千][多余]?", "", match.group()[:-1])       # (二百多公里、: 公里)
    if tail in ("%",) or tail.endswith(("左右", "以上", "以内", "以下", "之内")):
        return False
    if tail in ("万", "亿"):                             # (接待人次达3000万、: what is counted is named before)
        number = re.search(r"[\d.,]*$", clause[:match.start() + 1])
        return not COUNTED_BEFORE.search(clause[:number.start()])
    return not any(tail.endswith(unit) and tail[:len(tail) - len(unit)] in ("", "万", "亿", "千", "百")
                   for unit in UNITS)


# (fifth development set: a work report may name the revenue 财政总收入 / 地方财政收入 instead,
# "财政总收入、地方财政收入均增长7%" — the same goal, only where goals are set)
BUDGET_REVENUE = re.compile(r"(?:(?:一般公共)?预算(?:内)?|(?:地方)?财政总?|(?:全口径)?税收)收入(?:同口径|可比口径|按可比口径|同比)?均?"
                            r"(?:(?:计划|预期|力争|年均)?(?:增长|增速|增幅)|(?:达到|突破|超过)?\s*\d"    # (…收入81亿元: its level)
                            r"|(?:[两三四五六七八九十\d]年内?)?(?:实现)?翻[一两]?番)")          # (…收入三年翻一番)
NOT_REVENUE = re.compile(r"赤字|债|支出|安排|转移支付|财政资金|拨付|下达")


# every verb of a value, the longest first (年均增长 before 增长), as one alternation
CHANGE_VERBS = sorted(LEVEL_VERBS + INCREASE_VERBS + DECREASE_VERBS, key=len, reverse=True)
CHANGE_VERB = "(?:" + "|".join(CHANGE_VERBS) + ")"
# a verb right before a number: matched at a clause's start (…9930亿元、增长7.3%), searched in a name
VERB_BEFORE_NUMBER = re.compile(CHANGE_VERB + r"\s*\d")


def _budget_revenue_goal(clause: str, goal_sentence: bool) -> bool:
    """Growth of budget revenue (一般公共预算收入增长5%), or its sum (实现一般公共预算收入81亿元), is
    one of the 主要预期目标 of every work report; it is a target where the sentence sets goals. Deficits, debt, spending and
    allotted funds stay fiscal parameters, never targets."""
    return goal_sentence and bool(BUDGET_REVENUE.search(clause)) and not NOT_REVENUE.search(clause)


MEASURE_HEAD = re.compile(r"(?:率|比重|比例|占比|浓度|强度)$")


COUNTED_DOUBLING = re.compile(r"(?:实现|完成|推动|力争|确保|争取)(?P<names>[^，,；;。“”\"]{4,80}?)[“\"]?"
                              r"(?P<count>[两三四五六七八九十]|\d{1,2})个[“\"]?$")


def _counted_doubling(clause: str, start: int) -> list[str]:
    """实现上市企业数、规上工业、数字经济、旅游收入、教育卫生投入总量“五个翻番”: the names before a
    counted doubling, when there are as many as it counts (else it only names a programme, “四个翻番”)."""
    match = COUNTED_DOUBLING.search(clause, 0, start)
    if not match:
        return []
    names = [n.strip() for n in re.split(r"、|和|及|与", match.group("names"))]
    count = int(match.group("count")) if match.group("count").isdigit() else int(_cn_integer(match.group("count")))
    return names if len(names) == count >= 2 and all(len(n) >= 2 for n in names) else []


def _shared_value_names(indicator: str, *, doubling: bool = False, each: bool = False) -> list[str]:
    """Two or three indicators joined by 和 / 、 / 及 / 与 that share one value and end in the
    same head word (城镇调查失业率和登记失业率, 规上工业增加值和服务业增加值): one target each.
    Names that do not share their last two characters are one indicator (城乡居民收入比) — except
    before a doubling, which names totals of any kind (地区生产总值和居民人均可支配收入翻番)."""
    # (with 均 / 分别 over a 、-list, 和 joins words inside its last name: 民间投资、交通投资、…、生态环保和
    # 公共设施投资均增长12% — four names)
    names = [n.strip() for n in re.split(r"、" if each and "、" in indicator else r"和|、|及|与", indicator)]
    if each and "、" in indicator and re.search(r"(?:额|值|量|投资|收入|总额|产值|率|数)和", names[-1]):
        names[-1:] = names[-1].split("和", 1)    # (…、货物贸易出口额和重大项目累计投资: two names after all)
    if not 2 <= len(names) <= (6 if each else 3) or any(len(n) < 2 for n in names):
        return []
    if re.search(r"[两三四五六七八九十\d]大", names[-1]):
        return []              # 集成电路、生物医药和人工智能三大先导产业: one group, counted as one
    if doubling:
        return names if all(len(n) >= 4 for n in names) else []
    # (一个值"分别": 挥发性有机物(VOCs)、氮氧化物排放总量比2020年分别下降10%以上 — each item,
    # with the head of the last, 排放总量, when it has one)
    if each and re.search("[、和]", indicator):
        items = names if "、" in indicator else [n.strip() for n in re.split("和", indicator)]
        head = re.search(r"(?:排放总量|排放量|总量|浓度|比重|比例|占比|强度|产量|规模|产值|增加值)$", items[-1])
        if all(len(n) >= 2 for n in items) and 2 <= len(items) <= 6:
            return [n + (head.group() if head and not n.endswith(head.group()) else "") for n in items[:-1]] + [items[-1]]
    # "受污染耕地、地块安全利用率": the head of the measure (…安全利用率) is written once, after the
    # last item; the items before it are short nouns without a measure of their own. Each item
    # takes the head (the last item without its first word, taken as two characters).
    # (only a 、-list: 和 / 与 / 及 join words inside names — 研究与试验发展经费投入强度 — and a
    # list closed by 等 names a group, one indicator: 石化、化工等重点领域…比例)
    if "、" in indicator and not re.search(r"[和与及等]", indicator) and MEASURE_HEAD.search(names[-1]) \
            and not any(MEASURE_HEAD.search(n) for n in names[:-1]) and all(len(n) <= 6 for n in names[:-1]) \
            and all(re.fullmatch(rf"[{CJK}]+", n) for n in names):
        head = names[-1][2:]
        if len(head) >= 3:
            return [n + head for n in names[:-1]] + [names[-1]]
    if any(len(n) < 3 for n in names):
        return []
    # (fifth development set) a list closed by 等 before its head names one group counted
    # together: "引进高层次人才、应届高校毕业生等各类人才每年不少于20万人" is one count, not two
    if re.search(r"等(?:各类|各种|多种|相关|重点)?[" + CJK + r"]{1,6}$", names[-1]):
        return []
    if len({n[-2:] for n in names}) != 1 or not re.fullmatch(rf"[{CJK}]{{2}}", names[0][-2:]):
        return []
    return names


EACH_BEFORE_VALUE = re.compile(r"(?:(?<![年平人户亩成首京])[均各都]|双双)(?:要|将)?" + CHANGE_VERB + r"?\s*$")
OPENING_COMPARATOR = re.compile(r"(不少于|不低于|至少|超过)\d+(?:\.\d+)?[^\d，,；;。、]{1,14}$")
SHARED_COMPARATOR = re.compile(rf"^(?P<name>[{CJK}]{{0,8}}?)\d+(?:\.\d+)?[^\d，,；;。、]{{0,5}}?(以上|左右|以内)(?:的目标(?:任务)?)?[。；;]?$")
SHARED_BY_ALL = re.compile(r"(?<![年平人户])[均都](?:要|将)?" + CHANGE_VERB)


def _bare_name(clause: str) -> str:
    """A clause that is only a name (交通投资 in "其中交通投资，民间投资均增长12%"), else ""."""
    name = re.sub(r"^(?:其中|以及|和|及)", "", clause.strip())
    if re.search(r"\d", name) or VERB_BEFORE_NUMBER.search(name) or not 2 <= len(name) <= 20:
        return ""
    return name if re.fullmatch(rf"[{CJK}、()（）]+", name) else ""


def _next_value(draft: DraftTarget, value: _Value, start: int) -> DraftTarget:
    """The draft of a value standing alone after a 、, its name and year the draft's before it."""
    follower = _copy(draft)
    follower.value, follower.value_high, follower.value_text = value.value, value.value_high, value.text
    follower.unit, follower.comparator = value.unit or draft.unit, value.comparator
    follower.start, follower.end = start + value.start, start + value.end
    return follower


def _name_chain(chain: list[DraftTarget]) -> None:
    """Pair a 、-list of names with the values after it, in order (新增高铁、高速通车里程125公里、
    300公里以上: 新增高铁通车里程 125, 高速通车里程 300); the comparator closing the list holds
    for each value written without one."""
    names = chain[0].indicator_text.split("、")
    if len(names) == len(chain) and all(len(n) >= 2 for n in names):
        head = names[-1][2:] if len(names[-1]) > 3 else ""
        for draft, name in zip(chain, names):
            draft.indicator_text = name if name.endswith(head) else name + head
    closing = chain[-1].comparator
    for draft in chain[:-1]:
        if draft.comparator == "=" and closing in ("≥", "≈", "≤"):
            draft.comparator = closing


def _copy(draft: DraftTarget) -> DraftTarget:
    from dataclasses import replace

    return replace(draft, candidates=list(draft.candidates))


# N小时交通圈 / 1小时通勤圈 / 15分钟生活圈: a travel time the plan builds towards (形成 / 构建 …)
CIRCLE = re.compile(r"(?P<verb>形成|构建|建成|打造|建设|实现|基本形成|全面形成)(?P<what>[^，,；;。]{0,16}?)(?:的)?"
                    r"(?:(?P<low>\d+(?:\.\d+)?)\s*[-－—–~～至到]\s*)?"         # (1—1.5小时城际交通圈: a range)
                    r"(?P<value>\d+(?:\.\d+)?|[一二两三四五六七八九十半])个?(?P<unit>小时|分钟)"
                    r"(?P<kind>[^，,；;。、\d]{0,8}?圈)")


CIRCLE_MORE = re.compile(r"(?:和|、|及|与)(?P<what>[^，,；;。\d]{0,16}?)(?:的)?"
                         r"(?:(?P<low>\d+(?:\.\d+)?)\s*[-－—–~～至到]\s*)?(?P<value>\d+(?:\.\d+)?|[一二两三四五六七八九十半])个?(?P<unit>小时|分钟)"
                         r"(?P<kind>[^，,；;。、\d]{0,8}?圈)")


def _circle_matches(clause: str):
    """Each circle of the clause: one after a verb, and those joined to it by 和 / 、 (形成1小时
    通勤圈和15分钟生活圈)."""
    for match in CIRCLE.finditer(clause):
        if re.search(r"\d个[“\"]?$", clause[:match.start("value")]):
            continue                     # 建成3个“1小时交通圈”: a count of circles, not a time to reach
        yield match
        position = match.end()
        while (more := CIRCLE_MORE.match(clause, position)) is not None:
            yield more
            position = more.end()


def _circle_targets(clause: str):
    """"形成设区市到南京的1.5小时高铁交通圈": the travel time of a 交通圈 / 通勤圈 / 生活圈 the plan
    forms, a level in 小时 or 分钟, named by the places and the circle."""
    results = []
    for match in _circle_matches(clause):
        # the circle must be what the verb forms: "形成…3个“1小时交通圈”建设运输服务网络" forms a
        # network that serves the circles (the circle only names a kind), no target of its own
        rest = re.sub(r"^[”\"’」』]+", "", clause[match.end():]).strip()
        if not re.match(r"^(?:$|[和及与、]|的?(?:格局|目标|体系)?[。；;]?$)", rest):
            continue
        number = match.group("value")
        value = float(number) if number[0].isdigit() else CN_DIGITS.get(number, 0.5)
        low = match.group("low")
        start = match.start("low") if low else match.start("value")
        found = _Value(start, match.end("unit"), float(low) if low else value, value if low else None,
                       clause[start:match.end("unit")], match.group("unit"), True, "range" if low else "=")
        name = (match.group("what") + match.group("kind")).strip()
        results.append((found, "circle", "level", match.start("what"), name))
    return results


# "实现核心10分钟到公交站、城区30分钟进客运枢纽" / "快货物流实现长三角重点城市1天、国内重点城市
# 2天、全球主要经济体3天送达": a time of travel or delivery — N 分钟 / 小时 / 天 right before a verb
# of reaching (到 / 进 / 送达 / 通勤 …) — is a level in that unit, and the items of a 、-list that
# end in one such verb share it. Only in goal sentences (where the plan says 实现 / 到2025年 …).
REACH_VERB = r"(?:到达|抵达|通达|直达|送达|可达|快速通勤|通勤|上高速|到|进)(?![\d一二三四五六七八九十])"   # (5分钟到10分钟: a range)
REACH = re.compile(r"(?P<value>\d+(?:\.\d+)?)(?P<unit>分钟|小时|天)(?P<within>内)?(?=" + REACH_VERB + ")")
REACH_ITEM = re.compile(r"(?P<value>\d+(?:\.\d+)?)(?P<unit>分钟|小时|天)(?P<within>内)?(?=、)")


SHARE_REACHING = re.compile(rf"\d(?:%|成)[{CJK}]{{1,8}}可$")


# "实现至杭州1小时、至长三角中心城市2小时": the place first, then the time to reach it
REACH_TO = re.compile(r"(?:^|、|实现)(?:至|到)(?P<what>[^、，,；;。\d]{1,12}?)(?P<value>\d+(?:\.\d+)?)(?P<unit>小时|分钟)"
                      r"(?P<within>内)?(?=、|[，,；;。]|$)")


def _reach_targets(clause: str, goal_sentence: bool):
    if goal_sentence and not REACH.search(clause):
        return [(_Value(m.start("value"), m.end(), float(m.group("value")), None, clause[m.start("value"):m.end()],
                        m.group("unit"), True, "≤" if m.group("within") else "="), "reach", "level",
                 m.start("value"), f"至{m.group('what')}时间") for m in REACH_TO.finditer(clause)]
    if not goal_sentence or not REACH.search(clause):
        return []
    results = []
    segments = clause.split("、")
    # the items of a list before the verb: "长三角重点城市1天、国内重点城市2天、…3天送达"
    list_verb = bool(REACH.search(segments[-1])) and all(REACH_ITEM.search(seg + "、") for seg in segments[:-1]) \
        and all(re.search(r"(?:分钟|小时|天)内?$", seg) for seg in segments[:-1])
    offset = 0
    for index, segment in enumerate(segments):
        match = REACH.search(segment) or (list_verb and index < len(segments) - 1 and REACH_ITEM.search(segment + "、"))
        if match and SHARE_REACHING.search(segment[:match.start()]):
            match = None             # 9成县城可30分钟到达高铁站: the share is the goal, the time its threshold
        if match:
            start, end = offset + match.start(), offset + match.end()
            found = _Value(start, end, float(match.group("value")), None, clause[start:end], match.group("unit"),
                           True, "≤" if match.group("within") else "=")
            name = re.sub(r"^(?:实现|力争|确保|基本实现|全面实现)", "", segment[:match.start()]).strip()
            after = REACH.search(segments[-1]) if list_verb else match
            verb = re.match(REACH_VERB + r"[^，,；;。]{0,8}", segments[-1][after.end():] if list_verb
                            else segment[match.end():])
            results.append((found, "reach", "level", offset + match.start(),
                            (name + (verb.group() if verb else "")).strip() or None))
        offset += len(segment) + 1
    return results


# "60%的省级以上开发区(园区)建成清新园区" / "80%以上的村实现…" / "75%以上的建制村通等级公路" /
# "城区80%以上街道拥有一所养老院": the share written before what it
# is a share of, with a verb of attainment after — a level in %, the indicator "…建成清新园区比例".
# Only in goal sentences and only with such a verb (30%的资金用于… is an allotment, not a goal).
# (…85%左右县(市、区)创建成国家和省学前教育普及普惠县: without 的 only a short subject)
SHARE_FIRST = re.compile(r"^(?:的(?P<what>[^，,；;。]{2,24}?)|(?P<short>[^，,；;。\d%]{1,8}?))"
                         r"(?P<verb>创建成|创建为|创成|建成|达到|实现|完成|通过|纳入|开展|具备|达标|拥有|得到|"
                         r"通(?=[^过达，,；;。])|"
                         r"可\d+(?:分钟|小时)内?(?:到达|通达|抵达))"
                         r"(?P<rest>[^，,；;。]{0,24})")


AREA_UNITS = {"平方公里", "万平方公里", "平方米", "万平方米", "平米", "万平米", "公顷", "万公顷", "亩", "万亩"}


def _share_first(clause: str, value: _Value, goal_sentence: bool) -> str | None:
    """The name of a share, or of an area, written before what reaches a standard: "60%的园区建成
    清新园区" → …建成清新园区比例; "50平方公里以上建设用地面积达到海绵城市建设目标要求"."""
    area = value.unit in AREA_UNITS and value.comparator in ("≥", "≈", ">")
    if not goal_sentence or not (value.unit == "%" or area) or value.value_high is not None:
        return None
    match = SHARE_FIRST.match(clause[value.end:])
    what = match and (match.group("what") or match.group("short"))
    if match is None or ALLOTTED.search(what):
        return None
    return what + match.group("verb") + match.group("rest") + ("" if area else "比例")


def _part_of_previous(clause: str, previous: DraftTarget):
    """"耕地保护目标为76.6万亩，其中永久基本农田66.54万亩": a clause opening with 其中 right after
    a target names a part of it, with a value in the same unit and no verb of its own — a
    target of the same kind (the verb of the clause before is understood). Without 其中, or in
    another unit, or with no target in the clause before, nothing is taken."""
    if not re.match(r"\s*其中", clause):
        return []
    results = []
    for value in _digit_values(clause):
        before = clause[:value.start]
        if value.unit != previous.unit or not value.unit_known or not _indicator_adjacent(before) \
                or _verb_before(before)[0] is not None or not TRAIL.match(clause[value.end:]):
            continue
        results.append((value, "其中", previous.change_type, len(before.rstrip())))
    return results[:1]


# "铁路网覆盖90%以上县" / "5G网络通达95%的行政村": a share of places that a network reaches,
# written as a verb of coverage, the share and then what is covered (a short noun ending the
# clause) — a level in %, the indicator "…覆盖县比例". Only where goals are set.
# (覆盖全省80%以上农村人口: the whole a place names may stand between the verb and the share)
COVERAGE_VERB = re.compile(r"(?:覆盖|通达|惠及|连通|联通|通达到)(?:全(?:国|省|市|区|县))?$")
# (通达全省87%以上的县(市、区) / 覆盖60%以上的重要贸易国家和地区: after 的, a longer name too)
COVERED = re.compile(rf"^(?:的(?P<named>[{CJK}]{{1,10}}(?:[(（][{CJK}、]{{1,6}}[)）])?)|(?P<what>[{CJK}]{{1,4}}))"
                     r"\s*[。！？；;]*\s*$")


def _coverage_share(clause: str, value: _Value, goal_sentence: bool) -> str | None:
    if not goal_sentence or value.unit != "%" or value.value_high is not None:
        return None
    before = clause[:value.start].rstrip()
    # (完成“交通一卡通”县(市、区)100%覆盖: the share before its verb)
    if re.match(r"(?:全)?(?:覆盖|共享)\s*[。！？；;]*\s*$", clause[value.end:]):
        verb = "共享率" if "共享" in clause[value.end:] else "覆盖率"
        return re.sub(r"^(?:完成|实现|力争|确保)", "", _indicator_text(clause, len(before))) + verb
    covered = COVERED.match(clause[value.end:])
    if not COVERAGE_VERB.search(before) or covered is None:
        return None
    return _indicator_text(clause, len(before)) + (covered.group("named") or covered.group("what")) + "比例"


ACHIEVE_FIRST = re.compile(r"^(?:力争|确保|争取|努力)?实现")


def _clause_targets(clause: str, goal_sentence: bool, *, verbless=True, carried_build: str | None = None):
    """(value, verb, change type, indicator end) for each target value of the clause.
    ``verbless`` (a bool or a function giving one): a value with no verb, only a comparator after
    the indicator (城镇调查失业率5%左右), is taken — only where goals are being set: said in passing it is a fact (省长说，实体经济占
    经济总量的80%以上，是…根基)."""
    results = _circle_targets(clause)
    results += [r for r in _reach_targets(clause, goal_sentence)
                if not any(c[0].start <= r[0].start < c[0].end for c in results)]
    circle_spans = [(r[0].start, r[0].end) for r in results]
    series = SERIES.search(clause) or _pair(clause) or RATES_IN_TURN.match(clause)
    for value in _values(clause):
        if any(a <= value.start < b for a, b in circle_spans):
            continue
        before = clause[:value.start]
        kept = KEPT_GROWTH.search(before)
        if kept and re.match(r"(?:以上|左右)?的?(?:增长|增速|增幅)", clause[value.end:]):
            results.append((value, "保持", "increase", kept.start()))     # 保持年均15%以上的增长
            continue
        if re.search(r"如何|怎样|能否", before):
            continue                                     # (基础研究投入占比如何达到12%: a headline's question)
        if value.comparator == "=" and re.search(r"约占[^，,；;。\d]{0,8}$", before):
            value = replace(value, comparator="≈")       # 约占全省的58%
        share_of = SHARE_COMPARED.search(before) if value.comparator == "=" and value.unit == "%" else None
        if share_of:                                     # 占比超过体育产业增加值的60%
            value = replace(value, comparator=dict(PREFIX_COMPARATORS)[share_of.group(1)])
        if series and value.start > series.end("verb") and verb_of_series(series):
            verb, change, verb_start = verb_of_series(series)
            results.append((value, verb, change, verb_start))
            continue
        if PROJECT_SIZE.search(before):
            continue                                     # 新建地下停车场占地4041.18平方米: a project's size
        if value.unit in ("项", "件") and re.search(r"(?:工作|任务|事项)(?:共)?有$", before):
            continue                                     # 未达到序时进度的工作有7项: a tally of a report
        if value.unit in ("项", "个") and (re.search(r"指标\s*$", before) or re.match(
                r"(?:重点|专项|约束性|预期性|主要)?(?:指标|行动|举措|措施)(?!计划|方案)", clause[value.end:])):
            continue                                     # 重点指标17项, 开展18项行动: what the plan holds
        if value.unit in ("户", "人", "万人") and value.comparator == "≥" and SIZED_PLACE.match(clause[value.end:]):
            continue                                     # 20户以上自然村通硬化路: a size class of villages
        if MONEY.search(value.unit) and PROJECT_BUDGET.search(before):
            continue                                     # …项目 | 投资5000万元，提升改造公路40公里: its budget
        if DOCUMENT_PARTS.search(clause):
            continue                                     # 分总体目标、主要任务…3部分40条: the plan's make-up
        if MANAGEMENT_CAP.search(before):
            continue                                     # 主导品种不得超过8个: a rule of management, no goal
        if value.unit in ("%", "个百分点", "百分点") and PLAN_SHARE.search(before):
            continue                                     # 占全年计划的约101.8%: how far the year's plan is done
        if re.search(r"“[^“”]{0,12}$", before) and (clause[value.end:value.end + 1].isdigit()
                                                    or value.unit == "条" and clause.startswith("”", value.end)):
            continue                                     # 推进“3个10”工程, 民营经济发展“30条”: a name
        verb, change, verb_start = _verb_before(before)
        share_reached = SHARE_REACHED.search(before) if verb is None and value.unit == "%" else None
        if share_reached:                                # 社区数量达到城市社区的60%: a share reached
            verb, change, verb_start = "达到", "level", share_reached.start()
        if verb in COMPARATOR_WORDS and value.unit in COUNT_UNITS and not TRAIL.match(clause[value.end:]):
            verb = None      # 建成不少于17.8万张养老床位: a comparator between a verb of building and its count
        if verb is None:
            count = _build_verb_before(before, value, goal_sentence)
            if count is not None and value.unit == "岁":
                count = None                     # 新增3岁以下婴幼儿照护机构: an age, not a count
            if count is not None and value.unit.split("/")[0] in CAPACITY_UNITS and not re.match(r"[.．]|" + TRAIL.pattern,
                                                                                      clause[value.end:]):
                count = None                     # 推进150万吨乙烯等项目: the scale of what is named
            if count is None and goal_sentence and value.unit in COUNT_UNITS and WORK_ON.match(before) \
                    and re.search(r"进行|实施|开展|加装|安装|更换|改造|提供|配备|落实|新增|增设|建设|实现|形成|取得|"
                                r"(?:年内)?(?:开工|竣工|建成)|得到(?:改造|改建|改善|整治|提升|修缮|治理)", clause[value.end:]):
                count = ("进行", 0)                     # 对…等28个小区进行“液改气”改造: the count worked on
            if count is None and carried_build and value.unit in COUNT_UNITS and value.comparator in ("=", "≥", "≈") \
                    and (TRAIL.match(clause[value.end:]) and _indicator_adjacent(before)
                         or not before.strip(" *＊") and re.match(rf"[{CJK}“\"]|\d+(?:万|亿|千|百)*级", clause[value.end:])):
                count = (carried_build, 0)
            if count is not None and MONEY.search(value.unit) and ALLOTTED.search(clause):
                count = None                     # 组建30亿元规模产业基金: money set aside, no goal
            if count is not None and re.match(r"(?:个)?(?:方面|领域|方向|维度|板块|环节|大类|重点任务|专项行动)|"
                                              r"(?:项|件)?(?:包括|(?:重点)?民生实事|为民办实事|实事项目)",
                                              clause[value.end:]) \
                    or value.unit in ("项", "件") and re.search(r"实事(?:项目)?$", before):
                count = None                     # 围绕…等10个方面, 实施47项民生实事 / 民生实事项目10项: the list's items
            handled = count is not None and (count[0] in HANDLED_VERBS or before.rstrip().endswith(HANDLED_VERBS))
            if handled and value.unit in ("个", "项", "座") and re.search(r"项目|工程|工作|座", clause[count[1]:]):
                count = None                     # 推进20余个交通项目建设, 续建11座: works handled, no goal (C4)
            if count is not None and MONEY.search(value.unit) and re.match(r"(?:的)?(?:[^，,；;。\d]{0,4}项目|企业)",
                                                                           clause[value.end:]):
                count = None                     # 引进10亿元以上项目8个: the size of the projects counted
            if count is not None and re.search(r"支撑|服务|保障", before[count[1]:]) \
                    and re.match(r"(?:个)?[“\"]?[^，,；;。]{0,10}圈", clause[value.end:]):
                count = None                     # 形成支撑…3个“1小时交通圈”建设的网络: what it serves
            if count is not None:
                # (新增 / 完成 after 累计 over the plan: 5年累计完成旅游项目投资1万亿元 — a sum of money;
                # a count added, 累计实现城镇新增就业8000人, is the count reached: level, C11;
                # 比2017年新增1万元: an increase on a base year)
                change = "cumulative" if "累计" in before and count[0] in ("新增", "增加", "完成") \
                    and MONEY.search(value.unit) else (
                    "increase" if count[0] in ("新增", "增加") and BASELINE.search(before[max(0, count[1] - 8):count[1]])
                    else "level")
                ahead = _prefix_comparator(before[:count[1]]) or _governing_comparator(before)   # 至少改造形成40个
                if ahead and value.comparator == "=":
                    value = replace(value, comparator=ahead)
                results.append((value, "build:" + count[0], change, count[1]))
                continue
            share = _share_first(clause, value, goal_sentence) or _coverage_share(clause, value, goal_sentence)
            if share is not None:
                results.append((value, "share", "level", value.start, share))
                continue
            if not _indicator_adjacent(before) or before.strip().endswith(HANDLED_VERBS):
                continue                         # (…,续建11座: works handled, no goal — C4)
            # a bare value (粮食种植面积1300万亩) is a goal only in a list of goals, or after 实现
            # (实现全产业链产值1330亿元); elsewhere it states a fact
            if value.comparator == "=" and not (goal_sentence and value.unit_known and (
                    ACHIEVE_FIRST.match(clause) or TRAIL.match(clause[value.end:]))):
                continue
            if not (verbless() if callable(verbless) else verbless):
                continue
            verb_start = len(before.rstrip())
            # (继续压减一般性支出15%以上: the cut named before what it cuts)
            change = "decrease" if value.unit == "%" and LEADING_CUT.match(before) else "level"
            verb = ""
        if _is_baseline(clause, value):
            continue
        if value.unit == "" and not value.unit_known and "." not in value.text and value.comparator == "=" \
                and verb in ("为", "在", "实现", "力争", ""):
            continue
        if MONEY.search(value.unit) and ALLOTTED.search(clause):
            continue
        if MONEY.search(value.unit) and (re.match(r"(?:左右|以上)?的?标准", clause[value.end:])
                                         or re.search(r"每(?:县|市|区|个|家|户|人|亩)", clause[:value.start])):
            continue                                     # 每县400万元左右, 不低于3000元标准: a norm of money
        if value.unit == "倍" and re.search(r"标准的$", before) or re.search(r"占[^，,；;。]{0,10}任务(?:的)?比(?:例|重)", before):
            continue                                     # 低保标准的1.3倍: a norm; 占全省…总任务比例: derived
        if ALLOTTED.search(clause) and "下达" in clause or POLICY.search(clause):
            continue
        if not TRAIL.match(clause[value.end:]) and not (series and value.start >= series.start("values")):
            continue                                     # 3岁以下婴幼儿, 力争3年内: a modifier, not a value
        if value.comparator == "=" and _governing_comparator(before):
            value = replace(value, comparator="≥")      # 投资将至少完成115亿元: 至少 governs the value
        results.append((value, verb, change, verb_start))
    for match in DOUBLING.finditer(clause):
        if re.search(r"(?:近乎|接近|几乎)$", clause[:match.start()]):
            continue                                     # 较2019年的842亿元近乎翻番: a comparison told, no goal
        if re.search(r"[两三四五六七八九十\d]个[“\"][^”\"]*$|[“\"][^”\"]{1,6}$", clause[:match.start()]) \
                and clause[match.end():match.end() + 1] in ("”", "\"") and not _counted_doubling(clause, match.start()):
            continue                                     # 实现三个“基本翻番”, “四个翻番”: names of goals
        # (but 比2020年“翻一番”: the doubling itself set in quotes)
        growth = (2 ** DOUBLINGS[match.group("times")] - 1) * 100.0     # 翻一番: an increase of 100 %
        comparator, end = _suffix_comparator(clause, match.end())      # (翻一番以上)
        value = _Value(match.start(), end, growth, None, match.group(), "%", True, comparator)
        results.append((value, "翻番", "increase", match.start()))
    return _pair_series(results, clause, series)


SERIES = re.compile(r"分别(?P<span>累计|年均)?(?P<verb>" + "|".join(CHANGE_VERBS) + r")(?P<values>.+)$")


# 甲和乙力争达到31576元和10570元: two names and two values, each joined by 和, one verb between
PAIRED = re.compile(r"(?P<span>)(?P<verb>达到|提高到|提升到|增加到|增长到|降低到|下降到|控制在|稳定在)"
                    r"(?P<values>\d[^，,；;。和、]*和\d[^，,；;。和、]*)[。；;]?$")


# a clause of rates alone after the levels they belong to (入境游客2700人次以上,创汇75万美元,
# 同比增长18%和18.65%): read as a 分别 series, its values in turn
RATES_IN_TURN = re.compile(r"(?:同比|比上年|较上年)?(?P<span>)(?P<verb>增长|下降|提高|增加)"
                           r"(?P<values>\d[\d.]*%(?:[、和]\d[\d.]*%)+)[。；;]?$")


def _pair(clause: str) -> re.Match | None:
    """A pair read as a 分别 series (see PAIRED): one 和 among the names before the verb too."""
    match = PAIRED.search(clause)
    if match is None:
        return None
    names = clause[:match.start()]
    return match if names.count("和") == 1 and not re.search(r"[、及与\d]", names) else None


def verb_of_series(series: re.Match):
    """甲和乙分别达到15万元和6万元: the verb of the series, its change type, where it stands."""
    verb = series.group("verb")
    change = "level" if verb in LEVEL_VERBS else "increase" if verb in INCREASE_VERBS else "decrease"
    if change != "level" and series.group("span") == "累计":
        change = "cumulative"                            # 分别累计下降16%、30%和17%
    return verb, change, series.start()


def _shared_series_comparator(clause: str, values: list[_Value]) -> str:
    """The comparator one value of a 分别 series writes for all of them, the others having none:
    the last's, closing a 、-list (分别稳定在1500万亩、120亿斤以上) or a pair (分别增长8%和9%以上 — the
    labellers' majority, C1); or the first's, written before it (分别突破7万元和3万元)."""
    joins = [clause[a.end:b.start] for a, b in itertools.pairwise(values)]
    if not joins or not all(join.startswith("、") or re.fullmatch(r"[和及与]", join) for join in joins):
        return ""
    first, last = values[0], values[-1]
    if last.comparator != "=" and all(v.comparator == "=" for v in values[:-1]):
        return last.comparator
    if first.comparator != "=" and all(v.comparator == "=" for v in values[1:]) \
            and _prefix_comparator(clause[:first.start]):
        return first.comparator
    return ""


def _pair_series(results, clause: str, series):
    """Give each value of a 分别 series its own indicator, in order, when the counts agree."""
    if not series:
        return results
    names = [n for n in re.split(r"[和、及与]", _indicator_text(clause, series.start())) if n]
    in_series = [r for r in results if r[0].start > series.start()]
    shared = _shared_series_comparator(clause, [r[0] for r in in_series])
    if shared:
        in_series = [(replace(r[0], comparator=shared),) + r[1:] for r in in_series]
        results = [r for r in results if r[0].start <= series.start()] + in_series
    if len(names) != len(in_series) or len(names) < 2:
        return results
    paired = []
    for result in results:
        if result in in_series:
            paired.append(result + (names[in_series.index(result)],))
        else:
            paired.append(result)
    return paired


CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# 一个百分点, 半个百分点, 两成, 一倍: values written in Chinese numerals before the units that
# take them in plan documents (a 成 must end the value: 两成左右, not 形成 / 成为)
CN_NUMBER = re.compile(r"(?<![一二两三四五六七八九十百千万第])(?P<number>[一二两三四五六七八九]?十[一二三四五六七八九]?|"
                       r"[一二两三四五六七八九]|半)(?P<unit>个百分点|成(?=以上|以内|左右|[，,；;。、]|$)|倍)")


def _cn_value(text: str) -> float:
    """一 → 1, 十二 → 12, 三十 → 30, 半 → 0.5."""
    return 0.5 if text == "半" else _cn_integer(text)


def _comparator_around(clause: str, start: int, end: int) -> tuple[str, int]:
    """The comparator of a value written in words at clause[start:end]: a word after it (以上 /
    左右, which the value then takes in: the new end), else one before it (不少于 / 约), else =."""
    comparator, end = _suffix_comparator(clause, end)
    if comparator == "=":
        comparator = _prefix_comparator(clause[:start]) or "="
    return comparator, end


# a count or length written in Chinese numerals before its unit (本年度将完成防护工程二百多公里、防洪墙
# 八点七公里，加固涵闸四十四座): two characters at least, so that 一个 / 三座 in prose stay words
# — and amounts: 一万七千元 (a 万 inside the number), 五万元 / 三亿元 (one numeral before a unit of 万 or 亿)
CN_COUNT = re.compile(r"(?<![一二两三四五六七八九十百千万第])(?P<low>(?P<low_number>[一二两三四五六七八九十百千]+)万?[至到])?"
                      r"(?P<number>[一二两三四五六七八九十百千]+万[一二两三四五六七八九十百千]+(?=元|人|吨)"
                      r"|[一二两三四五六七八九十百千]{2,}(?:点[零一二三四五六七八九]+)?"
                      r"|[一二两三四五六七八九]点[零一二三四五六七八九]+|[一二两三四五六七八九](?=[万亿][元人千吨]|万亿元))(?P<more>多|余)?"
                      r"(?P<unit>万公里|公里|万亩|亩|万公顷|公顷|座|个|家|所|条|项|处|台|辆|万人|万亿元|亿元|万元|万千瓦|亿吨|万吨|元|人|吨)")


def _cn_integer(text: str) -> float:
    """二百 → 200, 四十四 → 44, 一千二百三十 → 1230, 八点七 → 8.7, 零 → 0, 一万七千 → 17000 (a 万
    after the number is the unit's)."""
    if "万" in text:
        high, _, low = text.partition("万")
        return _cn_integer(high) * 10000 + (_cn_integer(low) if low else 0)
    whole, _, decimals = text.partition("点")
    total, digit = 0, 0
    for char in whole:
        if char in "十百千":
            total += (digit or 1) * {"十": 10, "百": 100, "千": 1000}[char]
            digit = 0
        else:
            digit = CN_DIGITS.get(char, 0)
    total += digit
    fraction = "".join(str(CN_DIGITS.get(c, 0)) for c in decimals)
    return float(f"{total}.{fraction}") if fraction else float(total)


def _cn_count_values(clause: str) -> list[_Value]:
    values = []
    for match in CN_COUNT.finditer(clause):
        number, unit = match.group("number"), match.group("unit")
        if re.fullmatch(r"十[二三四五]", number) or not re.search(r"[十百千点万]", number) and not (
                len(number) == 1 and unit[0] in "万亿"):
            continue                                     # 十四(五), 二三: names and runs, not numbers
        if unit in ("元", "人", "吨") and "万" not in number:
            continue                                     # (三十人 in prose: a bare unit only after an amount)
        comparator, end = _comparator_around(clause, match.start(), match.end())
        if match.group("more"):
            comparator = ">"                             # 二百多公里: more than 200
        low = _cn_integer(match.group("low_number")) if match.group("low") else None
        value = low if low is not None else _cn_integer(number)
        if "万" in number:                               # 一万七千元: 1.7 万元, as a table writes it
            value, unit = value / 10000, "万" + unit
        values.append(_Value(match.start(), end, value, _cn_integer(number) if low is not None else None,
                             match.group(), unit, True, "range" if low is not None else comparator))
    return values


def _cn_values(clause: str) -> list[_Value]:
    values = []
    for match in CN_NUMBER.finditer(clause):
        if clause[max(0, match.start() - 1):match.start()] == "翻":
            continue                                     # 翻一番 is read as a doubling
        comparator, end = _comparator_around(clause, match.start(), match.end())
        value, unit = float(_cn_value(match.group("number"))), match.group("unit")
        if unit == "成":                                # 两成: 20 %
            value, unit = value * 10, "%"
        values.append(_Value(match.start(), end, value, None, match.group(), unit, True, comparator))
    return values


# "社会消费品零售总额突破万亿": a magnitude word alone after a verb of reaching is one of it
MAGNITUDE = re.compile(r"(?:(?<=突破)|(?<=超过)|(?<=迈上)|(?<=跨上)|(?<=达到)|(?<=超))(?P<unit>万亿|千亿|百亿)元?(?![\d级])")


# 百分之九以上, 百分之四点五: a percentage written in words (news of the 2000s); 千分之五点四 per mille
CN_PERCENT = re.compile(r"(?P<base>[百千])分之(?P<whole>一?百(?![分万亿])|[一二两三四五六七八九]?十?[一二三四五六七八九]?|[零〇])(?:点(?P<tenths>[零〇一二三四五六七八九]+))?")


def _cn_percent_values(clause: str) -> list[_Value]:
    values = []
    for match in CN_PERCENT.finditer(clause):
        whole = match.group("whole")
        if not whole:
            continue
        number = _cn_integer(whole + ("点" + match.group("tenths") if match.group("tenths") else ""))
        comparator, end = _comparator_around(clause, match.start(), match.end())
        unit = "%" if match.group("base") == "百" else "‰"
        values.append(_Value(match.start(), end, number, None, clause[match.start():end], unit, True, comparator))
    return values


def _values(clause: str) -> list[_Value]:
    """The numbers of a clause that can be values: with their unit, range and comparator."""
    values = _digit_values(clause)
    if "分之" in clause:
        values = sorted(values + _cn_percent_values(clause), key=lambda v: v.start)
    for match in MAGNITUDE.finditer(clause):
        comparator = _prefix_comparator(clause[:match.start()]) or "="
        values.append(_Value(match.start(), match.end(), 1.0, None, match.group(), match.group("unit") + "元", True,
                             comparator))
        values.sort(key=lambda v: v.start)
    if CN_NUMBER.search(clause):
        values = sorted(values + _cn_values(clause), key=lambda v: v.start)
    if CN_COUNT.search(clause):
        taken = [(v.start, v.end) for v in values]
        values = sorted(values + [v for v in _cn_count_values(clause)
                                  if not any(a < v.end and v.start < b for a, b in taken)], key=lambda v: v.start)
    return values


# a name of people or visits counted, right before a bare 万 / 亿 (接待人次达3000万, 游客突破1亿)
COUNTED_BEFORE = re.compile(r"(?:人次|人数|游客|客流量?|旅客|接待量)(?:数)?(?:将|力争|要)?(?:达到?|突破|超过|为|实现)?$")


def _digit_values(clause: str) -> list[_Value]:
    values = []
    skip_until = -1
    for match in NUMBER.finditer(clause):
        if match.start() < skip_until:
            continue
        start = match.start()
        first = match.group(1).replace(",", "")
        rest = clause[match.end():]
        if re.match(r"(?:19|20)\d{2}$", first) and rest.startswith("年"):
            continue                                     # a year
        if re.match(r"[A-Za-z]", rest) and not re.match(r"(?:km|kg|kWh?|MW|GWh?|t|[PE]Flops|P)\b|[MG]bps(?![A-Za-z])", rest):
            continue                                     # 5G, 3D, 4K …
        more = False
        # (共118项: a count of items; but 今年共46.2万亩…建设任务 is the year's task)
        task_total = clause[max(0, start - 1):start] == "共" and re.match(r"[^，,；;。]{0,16}任务", rest)
        if SKIP_AFTER.match(rest) and not (rest[:1] == "多" and _unit(rest, 1)[1]) or clause[max(0, start - 1):start] in (
                "第", "共", "（", "(", "/", "—", "-", "～", "~", "×") and not task_total:   # (2×112.6万千瓦: two units of)
            continue
        if clause[max(0, start - 2):start] in ("十四", "十五"):
            continue
        number_end = match.end()
        high = None
        ratio = re.match(r"\s*[:：]\s*(\d+(?:\.\d+)?)", rest)
        percent_first = rest.startswith(("%", "％"))
        after_first = rest[1:] if percent_first else rest
        # (5%一5.5%: a 一 typed for the dash, before a second percentage)
        # (20万至30万千瓦: the scale written on both ends)
        # (20年至50年一遇: the year of a return period on both ends too)
        rng = re.match(r"(?:([万亿]|年(?=\s*[-－—–~～至到]\s*\d+(?:\.\d+)?年一遇))(?=\s*[-－—–~～至到]\s*\d+(?:\.\d+)?\1))?"
                       r"(?:\s*[-－—–~～至到]\s*|一(?=\d+(?:\.\d+)?[%％]))(\d+(?:\.\d+)?)", after_first)
        if rng and re.fullmatch(r"(?:19|20)\d{2}", rng.group(2)):
            if re.fullmatch(r"(?:19|20)\d{2}", first):
                skip_until = number_end + (1 if percent_first else 0) + rng.end()
                continue                                 # a period: 2021-2025年
            rng = None
        # (not a time: 12:30:00, 9:00, 2021年04月22日16:56)
        if ratio and not re.match(r"\s*[:：]\s*\d{2}\s*[:：]", rest) and not rest.startswith(":00") \
                and not (clause[max(0, start - 1):start] in ("日", " ") and re.match(r"[:：]\d{2}(?!\d)", rest)):
            value = float(first) / float(ratio.group(1)) if float(ratio.group(1)) else float(first)
            end = number_end + ratio.end()
            unit, known = "ratio", True
            text = clause[start:end]
        else:
            if rng and float(rng.group(2)) == float(first):
                skip_until = number_end + rng.end()
                continue                                 # 96-96: a page span, no range of values
            if rng:
                high = float(rng.group(2))
                end = number_end + (1 if percent_first else 0) + rng.end()
            else:
                end = number_end
            value = float(first)
            # (400多公里, 500余个: more than the number, the unit after 多 / 余)
            more = clause[end:end + 1] in ("多", "余") and _unit(clause, end + 1)[1]
            unit, known, end = _unit(clause, end + 1 if more else end)
            if percent_first and high is not None and not unit:
                unit, known = "%", True
            if unit in ("万", "亿") and COUNTED_BEFORE.search(clause[:start]):
                known = True                             # 接待人次达3000万: the name gives what is counted
            if unit == "万" and re.match(r"(?:左右|以上)?人口", clause[end:]):
                unit, known = "万人", True               # 聚集100万左右人口: people
            elif unit.endswith("万人") and clause[end:end + 1] == "口":
                end -= 1                                 # 聚集60至80万人口: 万 people, the noun 人口 after
            text = clause[start:end]
        if unit == "年" and re.search(r"(?:今后|未来|通过|经过|用|再用|近)$", clause[:start]):
            skip_until = end
            continue                                     # 今后5年 / 通过5年努力: a span of time
        if unit in TIME_UNITS and clause[end:end + 1] == "内" and not clause[end + 1:end + 2] in ("容", "涵"):
            values.append(_Value(start, end + 1, value, high, text, unit, known, "≤"))
            skip_until = end + 1
            continue                                     # 5分钟内 / 3天内: at most (as 以内)
        if re.match(r"\s*级", clause[end:]):
            skip_until = end
            continue                                     # 30万吨级, 1000千伏级
        if unit == "成":                                # 9成县城: nine tenths, 90 %
            value, high, unit = value * 10, high * 10 if high is not None else None, "%"
        comparator, end = _suffix_comparator(clause, end)
        prefix = _prefix_comparator(clause[:start])
        if high is None and more and comparator == "=":
            comparator = ">"
        if high is not None:
            comparator = "range"
        elif comparator == "=" and prefix:
            comparator = prefix
        unit = "1" + unit if unit.startswith("/") else unit      # (8/10万: a rate per 100,000)
        values.append(_Value(start, end, value, high, text, unit, known, comparator))
        skip_until = end
    return values


def _unit(clause: str, end: int) -> tuple[str, bool, int]:
    """The unit written after the number (position ``end``): a listed unit, a compound "X/Y",
    else up to four characters before a comparator, punctuation or the clause end."""
    rest = clause[end:]
    if rest.startswith(("%", "％")):
        return "%", True, end + 1
    # "达 1450 亿元": a page that sets numbers apart with spaces — a listed unit after one space
    if rest[:1] == " " and any(rest[1:].startswith(unit) for unit in UNITS if len(unit) > 1 or unit in COUNT_UNITS):
        unit, known, unit_end = _unit(clause[:end] + clause[end + 1:], end)
        if known:
            return unit, known, unit_end + 1
    scaled = SCALED_UNIT.match(rest)
    if scaled and scaled.group() not in UNITS:           # 30万架, 5亿件: a listed unit in 万 / 亿
        return scaled.group(), True, end + len(scaled.group())
    for unit in UNITS:
        if rest.startswith(unit):
            total = unit
            compound = COMPOUND_UNIT.match(rest, len(unit))
            if compound:
                total += compound.group()
            # 个百分点 etc. are listed; "个" alone before a noun is a count
            return total, True, end + len(total)
    # (a comparator word right after the number is not a unit: 缩小到1.9以内)
    unknown = re.match(rf"(?!以上|以内|左右|以下|之内|上下|及以上)([{CJK}A-Za-z/]{{1,4}}?)"
                       rf"(?=以上|以内|左右|以下|之内|上下|[，,；;。、)）]|$)", rest)
    if unknown and not re.search(r"[的和与及]", unknown.group(1)):
        return unknown.group(1), False, end + len(unknown.group(1))
    return "", False, end


def _suffix_comparator(clause: str, end: int) -> tuple[str, int]:
    """The comparator word after a value and where it ends; an abbreviation of the unit in
    brackets may stand between them (4700万标准箱(TEU)以上)."""
    abbreviation = re.match(r"\s*[(（][A-Za-z]{1,8}[)）]", clause[end:])
    for start in (end, end + abbreviation.end()) if abbreviation else (end,):
        for word, comparator in SUFFIX_COMPARATORS:
            if clause.startswith(word, start):
                return comparator, start + len(word)
    return "=", end


def _governing_comparator(before: str) -> str:
    """至少 / 不少于 a few words before the value, over its verb (至少改造形成40个): ≥, else ""."""
    return "≥" if re.search(r"(?:至少|不少于|不低于)[^，,；;。\d]{1,4}$", before) else ""


SIGNED = r"[签预节制邀合契履公条]约$"        # 签约 / 预约 …: a word, not 约 "about"


def _prefix_comparator(before: str) -> str:
    tail = before[-4:]
    for word, comparator in PREFIX_COMPARATORS:
        if tail.endswith(word):
            if word == "约" and re.search(SIGNED, tail):
                return ""                                # 签约8台: signed, not about
            return comparator
    return ""


def _strip_fillers(before: str) -> str:
    """The words before a number without what may stand between a verb and its value:
    comparator words, 约, "2025年的", spaces."""
    changed = True
    while changed:
        changed = False
        stripped = before.rstrip()
        for word, _ in PREFIX_COMPARATORS:
            if stripped.endswith(word) and word not in ("控制在",) and not (
                    word == "约" and re.search(SIGNED, stripped)):
                stripped = stripped[:-len(word)]
        stripped = re.sub(r"(?:(?:19|20)\d{2}年(?:底|末)?的?|的|累计|平均|每年|分别|均)$", "", stripped)
        if stripped != before:
            before, changed = stripped, True
    return before


PERIOD_SPAN = re.compile(r"(?:十[一二三四五]五|规划)[”\"]?(?:时期|期间|期内)")


def _verb_before(before: str) -> tuple[str | None, str, int]:
    """The goal verb right before the number: (verb, change type, where it starts)."""
    core = _strip_fillers(before)
    for verb in CHANGE_VERBS:
        if core.endswith(verb):
            start = len(core) - len(verb)
            if verb in LEVEL_VERBS:
                change = "level"
            elif verb in INCREASE_VERBS:
                change = "increase"
            else:
                change = "decrease"
            if verb == "为" and not re.search(rf"[{CJK}]{{2,}}$", core[:start]):
                return None, "", 0
            if verb in ("提升", "提高") and core[:start].endswith("改造"):
                return None, "", 0                       # 改造提升210万亩: an area worked on (改造 builds)
            if change == "level" and verb in ("达到", "达", "保持在", "稳定在", "控制在", "为", "超过", "超", "不低于", "定在了",
                                              "定在"):
                growth = re.search(r"(年均增长|增长|增速|增幅|涨幅|提高|下降|降低|降幅|减少)(?:率|幅度)?"
                                   + GOAL_WORDS + "(?:要|将|需|须)?$", core[:start])   # (增长目标定为5%: a growth rate)
                # (保持固定资产投资稳定增长、力争达到3%: the growth named first, then the value it
                # is to reach after an adverb of effort — still a growth rate, the indicator before it)
                # (GDP增长要达到7.5%以上、力争达到8.5%: the stretch value of the same growth)
                aimed = None if growth else re.search(r"(?:稳定|平稳|较快|持续|快速)?(年均增长|增长|提高|下降|降低)"
                                                      r"(?:要|将)?(?:达到|达)?(?:\d+(?:\.\d+)?%(?:以上|左右)?)?"
                                                      r"[、，,]?(?:力争|确保|争取|努力)$", core[:start])
                if aimed:
                    growth, start = aimed, aimed.start()
                if growth:                               # 年均增长达到6%: still a growth rate
                    change = "decrease" if growth.group(1) in ("下降", "降低", "降幅", "减少") else "increase"
            if change != "level" and "累计" in before[max(0, start - 6):]:
                change = "cumulative"
            if change != "level" and re.search(r"(?:五年|十四五期间|规划期内|期间)$", core[:start]):
                change = "cumulative"

            return verb, change, start
    # comparator words that are verbs themselves: 不低于35%, 超过50%
    stripped = before.rstrip()
    for word, _ in PREFIX_COMPARATORS:
        if stripped.endswith(word) and word not in ("约", "大约"):
            return word, "level", len(stripped) - len(word)
    return None, "", 0


def _build_verb_before(before: str, value: _Value, goal_sentence: bool):
    """建成…10万个 / 培育100家…: a count right after (or a short object after) a building verb."""
    # (fifth development set) a count with a comparator word of its own after a verb of building
    # ("开工建设亿元以上重大项目400个以上", "新增专业25个以上") is aimed at, not reported: the
    # sentence need not say 目标 / 力争 (a work report's list of the year's measures). A bare
    # count ("建成…项目400个") still needs a sentence that sets goals; the past is skipped before.
    aimed = value.comparator in ("≥", "≈", ">")
    stripped = _strip_fillers(before)
    # (完成3万亩大豆玉米带状复合种植任务: an area or amount written right after the verb)
    right_after = value.unit_known and stripped.endswith(BUILD_VERBS)
    capacity = value.unit.split("/")[0] in CAPACITY_UNITS            # (万吨/日: a capacity per day)
    if not (goal_sentence or aimed) or not (value.unit in COUNT_UNITS or capacity or right_after):
        return None
    # (the verb nearest the value: 重点建设项目投资将至少完成115亿元 is 完成, not 建设)
    for verb in sorted(BUILD_VERBS, key=lambda v: -(stripped.rfind(v) + len(v)) if v in stripped else 0):
        index = stripped.rfind(verb)
        # (a note in brackets does not count: 新签约5亿元(3000万美元)以上项目60个)
        gap = re.sub(r"[(（][^()（）]*[)）]", "", stripped[index + len(verb):])
        gap = SIBLING_VALUES.sub("", gap)                # (整治农村河道340条、409.8公里、530万方: one work's measures)
        # (an object listed before its count may be long: 建成稻米、小麦、生猪、中药材、茶叶等10个…产业)
        if index >= 0 and (len(gap) <= 12 or re.fullmatch(r"[^，,。；;]{0,40}等", gap)) \
                and not re.search(r"[，,。；]", stripped[index:]):
            if verb == "拥有" and re.search(r"(?:每|人均)[^，,；;。]{0,6}$", stripped[:index]):
                continue                                 # 每千人口拥有…托位数: the name of a ratio
            if verb == "规划" and (re.match(r"[》”\"]|重点|范围|面积|期|目标|提出", stripped[index + 2:])
                                 or stripped[index - 1:index] == "《"):
                continue                                 # 《规划》还提出19项…, 规划重点为…10个区: the plan, a noun
            return verb, index
    return None


def _indicator_adjacent(before: str) -> bool:
    """No verb: the indicator ends right before the number (城镇调查失业率5.5%左右)."""
    core = _strip_fillers(before).rstrip()
    return bool(re.search(rf"[{CJK}A-Za-z)）”」』]$", core)) and len(core) >= 2     # (实施“小田变大田”513万亩)


def _is_baseline(clause: str, value: _Value) -> bool:
    """由73.4%提高到… / 从2.5万元增加到…: the value after 由/从 is where it starts from."""
    before = clause[:value.start]
    after = clause[value.end:value.end + 8]
    if re.search(r"(?:由|从)(?:(?:19|20)\d{2}年(?:底|末)?的?|[“\"]?十[二三四五]五[”\"]?(?:末|期末)?的?)?\s*$", before):
        return True
    return bool(re.match(r"(?:的)?(?:提高|提升|增加|增长|上升|下降|降低|减少|缩小|扩大)(?:到|至)", after))


_INDICATOR_LEAD = re.compile(
    # (and the words that announce a goal before its indicator: 预期地区生产总值增长5%以上 in a
    # headline, 设定GDP增长5% in a lede, 还将保持固定资产投资稳定增长 — the indicator follows them)
    r"^(?:(?:其中|同时|并|以及|和|及|而|将会|奋力|使|让|推动|促进|确保|力争|争取|努力|全年|今年|明年|本年|去年|上年|实现|"
    r"预期|设定了?|定下了?|[^，,、]{0,6}?(?:还|也)?将(?:继续)?保持|[^，,、]{0,6}?还将|保持|"
    r"主要(?:预期)?目标(?:是|为)?|目标(?:是|为)|具体(?:是|为|包括)|(?:到|至|截至)?(?:19|20)\d{2}年(?:底|末)?(?:前)?|"
    r"[^，,、]{0,8}?(?:到|至)(?:19|20)\d{2}年(?:底|末)?(?:前)?|"
    r"[“\"]?十四五[”\"]?(?:期间|时期|末)?|累计|全市|基本)[,，、\s]*)+")
_INDICATOR_TAIL = re.compile(
    r"(?:(?:较|比|与)(?:(?:19|20)\d{2}年|上年|基期)(?:末|底)?(?:相比)?|(?:年均|平均|累计|五年|每年|分别|均|双双|(?<![成首京])都|要|将|"
    r"同口径|可比口径|按可比口径|按可比价格计算|同比|计划|按|"
    r"力争|确保|进一步|稳步|持续|逐步|基本|实现)|(?:由|从).*|在(?:19|20)\d{2}年(?:的)?基础上.*|"
    # (a trend said of the indicator before its value: "受污染耕地、地块安全利用率持续提升，达到95%以上",
    # "PM2.5年均浓度稳定控制在…" — the trend is not part of its name)
    r"(?:持续|稳步|逐步|不断|进一步|明显|稳定)(?:提升|提高|改善|增长|下降|降低|向好)?|稳中(?:有升|向好|有降))$")


# "…主要预期目标为生产总值增长5.5%左右" / "今年江苏GDP预期目标为增长5%以上": the words that
# announce the goals are not the indicator — after them comes the indicator, or before them
# it stands when the verb follows at once.
GOAL_ANNOUNCE = re.compile(r"(?:主要)?(?:预期)?目标(?:是|为)[:：]?")
# "GDP增长预期目标为5%" / "增长目标定为5%": words between a growth and its value that name the goal
GOAL_WORDS = r"(?:的)?(?:主要)?(?:预期)?(?:目标)?(?:值)?(?:定|设定|设|确定|调整)?"


def _indicator_text(clause: str, end: int) -> str:
    text = clause[:end].strip().lstrip("■□◆◇●○▲△★☆►▶•·—-*＊ ")      # list bullets of scraped pages
    text = re.sub(rf"^\d{{1,3}}(?:\s+|[.．、](?=[{CJK}]))", "", text)   # a row's serial (1 地区生产总值, 6.培育)
    # (a headline names the news before a space: "…信息化发展规划发布 到2025年信息产业营收突破…")
    text = re.sub(r"^[^，,。\s]{2,30}(?:发布|出炉|印发|出台|公布)\s+", "", text)
    # (a headline names its document first: "《…规划》出炉 综合交通投资将达…")
    text = re.sub(r"^.*》(?:出炉|印发|发布|出台|公布)?\s*", "", text) if re.search(r"》[^《》]*$", text) else text
    announce = None
    for announce in GOAL_ANNOUNCE.finditer(text):
        pass
    if announce is not None:
        after = text[announce.end():].strip()
        text = after if after else re.sub(r"(?:主要)?(?:预期)?$", "", text[:announce.start()])
    # (GDP增长预期目标 / 生产总值增长目标定 / 地区生产总值预期: the indicator without them)
    text = re.sub(r"(?:(?:年均)?(?:增长|增速|增幅)(?:率)?(?:的)?(?:主要)?(?:预期)?目标(?:值)?(?:定|设定|设|确定|调整)?"
                  r"|(?:的)?(?:主要)?(?:预期)?目标(?:值)?(?:定|设定|设|确定|调整)|预期)$", "", text)
    for _ in range(3):
        text = _INDICATOR_LEAD.sub("", text).strip()
        text = _INDICATOR_TAIL.sub("", text.rstrip("“\"")).strip()   # (…比2020年“翻一番”: the quote opens)
    return text.strip(" \t,，、;；:：")


# totals whose value in per cent can only be a growth rate (GDP确保5.5%)
FLOW_TOTAL = re.compile(r"(?:GDP|生产总值|固定资产投资|工业增加值|社会消费品零售总额|进出口总额|财政收入|预算收入)$")
# verbs of projects handled rather than achieved: their counts are the year's workload (C4)
HANDLED_VERBS = ("推进", "实施", "续建", "谋划", "推动", "滚动推进", "开展")
# the other measures of a 、-list of one work's quantities (340条、409.8公里、530万方), at a name's ends
SIBLING_VALUES = re.compile(rf"\d+(?:\.\d+)?[万亿千百]?[{CJK}]{{1,3}}、")
SIBLING_VALUE_END = re.compile(rf"[、]?\d+(?:\.\d+)?[万亿千百]?[{CJK}]{{1,3}}[、]?$")
SIBLING_VALUE_START = re.compile(rf"^[、]\d+(?:\.\d+)?[万亿千百]?[{CJK}]{{1,3}}(?=[、]|$)|^[、]")


def _finish(found, clause: str, clause_start: int, sentence: Sentence, context: _Context) -> DraftTarget | None:
    value, verb, change, verb_start = found[:4]
    if not re.search(rf"[{CJK}A-Za-z]", re.sub(r"增长|下降|提高|降低|以上|以内|左右|约", "", sentence.text)):
        return None                      # a table cell alone on its line ("增长6.5%左右"): no name
    named = found[4] if len(found) > 4 else None
    text = sentence.text
    start = sentence.start + clause_start + value.start
    # (the items of a spaced list are sentences of their own for their year: 项目征集工作自2025年11月启动
    # in one item does not date 全年城镇新增就业2700人 in the next)
    own = _is_spaced_list(text)
    year, year_written, past_year = _target_year(clause, clause if own else text, value.start if own else clause_start + value.start,
                                                 context, start)
    if past_year or DONE_SHARE.match(text, clause_start + value.end):
        return None                                      # (完成投资8.08亿元,占年计划的10.73%: done so far)
    baseline = BASELINE.search(clause[:value.start])
    if baseline is None and change != "level":
        baseline = BASELINE.search(clause)
    # (固定资产投资、财政收入三年翻一番: a doubling in so many years, counted from the plan's first)
    years_to_double = re.search(r"(?<![\d〇零])(?P<years>[两三四五六七八九十]|[1-9])年(?:内)?(?:实现)?$", clause[:value.start]) \
        if verb == "翻番" and not year_written else None
    if years_to_double:                                  # (a change over a span, 年均 unsaid: cumulative)
        year = context.plan_period[0] + _year_count(years_to_double.group("years")) - 1
        change = "cumulative" if baseline is None else change
    # (森林蓄积量增加42万立方米: a quantity added, the 城镇新增就业 convention — not a rise of money
    # or a rate, 人均收入增加30元 / 增加两倍, and not against a written base year; money added each
    # year is the quantity added too: 产值每年增加2亿元以上)
    if change == "increase" and verb == "增加" and baseline is None \
            and (not MONEY.search(value.unit) or re.search(r"(?:每年|年均)$", clause[:verb_start])) \
            and value.unit not in ("%", "个百分点", "百分点", "倍", "成", "‰"):
        change = "level"
    if change == "increase" and verb in ("增长", "年均增长") and baseline is None and value.unit in ("家", "个", "户", "所", "座"):
        change = "level"                                 # 年均增长30家以上: firms added, a count
    if change == "increase" and verb in ("提升", "提高") and baseline is None and value.unit in COUNT_UNITS:
        change = "level"                                 # 学历提升10万人: the people raised, a count
    # "“十四五”时期，规上工业单位增加值能耗下降16%以上": a decrease over the span of the plan period
    # (十四五时期 / 期间 / 规划期内 before the value in its sentence), with neither 年均 nor a base
    # year, is the fall over the whole period — cumulative (the labelling convention). Not a
    # growth: "十四五期间，地区生产总值增长6%左右" is the yearly rate, 年均 left unsaid.
    # The same in a plan of several years for its last year, the span left unsaid ("用水总量控制
    #在…以内，万元GDP用水量下降12.5%" in a 十四五 plan) — not in a year's plan or report.
    first, last = context.plan_period
    over_the_plan = PERIOD_SPAN.search(text[:clause_start + value.start]) or YEARS_TO_TAKE.search(text) or (
        last - first >= 2 and year == last and not re.search(r"今年|全年|年度", text))
    # (and a rise in percentage points, which does not compound: 农业科技进步贡献率提高2.5个百分点)
    rising_points = change == "increase" and value.unit in ("个百分点", "百分点")
    # (and a doubling in a plan of several years: 营业收入翻一番以上 over the plan's span)
    doubling = (verb == "翻番" or change == "increase" and value.unit == "倍") and last > first   # (增长5倍以上)
    # (and a ratio raised over a span the sentence names: “十四五”时期，资源产出率提高20%左右 —
    # 提高 / 提升, not 增长, the yearly growth of a quantity)
    raised_over_span = change == "increase" and verb in ("提高", "提升") and value.unit == "%" \
        and bool(PERIOD_SPAN.search(text[:clause_start + value.start]))
    if (change == "decrease" or rising_points or doubling or raised_over_span) and baseline is None and over_the_plan \
            and not re.search(r"(?:年均|每年|平均)(?!浓度)", text[clause_start:clause_start + value.start]):
        change = "cumulative"                            # (PM2.5年均浓度下降33%: 年均 of the name)
    if change in ("increase", "cumulative") and value.unit == "倍" and verb != "翻番":   # 增加两倍: 200 %
        value = _Value(value.start, value.end, value.value * 100, None if value.value_high is None
                       else value.value_high * 100, value.text, "%", True, value.comparator)
    if verb in ("增速", "增幅", "涨幅", "降幅"):           # a noun: part of the indicator's name
        verb_start += len(verb)
    indicator = _indicator_text(clause, verb_start) if verb_start else ""
    if verb in ("完成投资", "完成年度投资"):
        indicator += verb[2:]                            # (完成投资7亿元: what is completed is investment)
    if verb == "翻番":
        indicator = _indicator_text(clause, years_to_double.start() if years_to_double else value.start)
    elif verb.startswith("build:"):
        indicator = _indicator_text(clause, len(_strip_fillers(clause[:value.start])))
        indicator = re.sub("^(?:" + "|".join(COMPARATOR_WORDS) + ")", "", indicator)
        trailing = re.sub(r"[。！？；;\s]+$", "", clause[value.end:])
        built = verb[len("build:"):]
        if re.search(rf"[{CJK}]", trailing) and (not indicator or built in indicator[-len(built) - 4:]):
            indicator += trailing                        # 培育100家专精特新企业 → 培育专精特新企业
        # (整治农村河道340条、409.8公里: each measure of one work is named by the work alone)
        indicator = SIBLING_VALUE_END.sub("", SIBLING_VALUE_START.sub("", indicator)) or indicator
    if named:
        indicator = named
    if not indicator:
        indicator = _previous_subject(text[:clause_start])
    if change == "level" and re.search(r"增长率|增速|增幅|涨幅", indicator[-4:]):
        change = "increase"              # 人口自然增长率在7.8‰左右: a rate of growth is a growth
    if change == "level" and value.unit == "%" and verb in ("", "确保", "力争", "争取") and FLOW_TOTAL.search(indicator) \
            and not re.search(r"占|比重|比例", indicator):
        change = "increase"              # GDP确保5.5%,力争6%: a total in per cent is its growth
    if change == "level" and value.unit in ("个百分点", "百分点") and (
            verb.startswith("build:") or not verb and re.match(r"新增|增加|提高|提升", indicator)):
        change = "increase"              # 新增森林覆盖率0.3个百分点: points added to a rate are a rise
    confidence = 0.5 + (0.15 if verb else 0.0) + (0.1 if value.comparator != "=" else 0.0) \
        + (0.15 if year_written else 0.0) + (0.05 if value.unit_known else -0.15) + (0.05 if indicator else -0.2)
    indicator_start = sentence.start + clause_start + max(0, clause.find(indicator)) if indicator else start
    return DraftTarget(
        indicator_text=indicator, sentence=text, location=sentence.location,
        start=min(indicator_start, start), end=sentence.start + clause_start + value.end,
        numeric=True, target_year=year, comparator=value.comparator, value=value.value,
        value_high=value.value_high, value_text=value.text, unit=value.unit if value.unit != "ratio" else "ratio",
        change_type=change, baseline_year=int(baseline.group("year")) if baseline else None,
        confidence=round(max(0.05, min(confidence, 0.99)), 2))


def _previous_subject(text_before: str) -> str:
    """A clause with the verb first (…，达到3%): the indicator is the clause before it."""
    parts = [p for p in CLAUSE_SPLIT.split(text_before) if p.strip()]
    if not parts:
        return ""
    # (去年GDP增长5.8%，今年预期目标为增长5%以上: the name before the verb, not the figure)
    verb = VERB_BEFORE_NUMBER.search(parts[-1]) or re.search(r"\d", parts[-1])    # (…完成投资389.6亿元: the name)
    end = verb.start() if verb else len(parts[-1])
    invested = re.match(r"完成(年度)?投资", parts[-1][end:])
    return _indicator_text(parts[-1], end) + (invested.group()[2:] if invested else "")


RELATIVE_YEAR = re.compile(r"今年|明年|本年")


def _target_year(clause: str, text: str, position_in_text: int, context: _Context, doc_position: int):
    """(year, written in the sentence, a past year that makes it no target)."""
    clause_years = [m for m in YEAR.finditer(clause) if not _is_baseline_year(clause, m)]
    period_end = PERIOD_END.search(clause)
    if not clause_years and period_end:                  # “十四五”末建成5000万亩: that plan's last year
        return FIVE_YEAR_PLAN_END[period_end.group(1)], True, False
    sentence_years = [m for m in YEAR.finditer(text) if not _is_baseline_year(text, m)]
    # A year written after the value in a later clause of the sentence is not its year: a time
    # phrase stands before what it governs (到2025年，X达到…), and a year after the targets looks
    # further ahead ("…常住人口城镇化率达到82%以上，为2035年基本建成…打下坚实基础"). A year later in
    # the value's own clause still counts ("X达到50%，2025年底前" is rare; "X 2025年达到" is read).
    later = [m for m in sentence_years if m.start() > position_in_text and not _same_clause(text, position_in_text, m.start())]
    earlier = [m for m in sentence_years if m.start() <= position_in_text][::-1]
    # (2012年…完成投资389.6亿元，而今年将会提高到450亿元: a 今年 after the year, in a clause of its
    # own, turns from that year to the report's)
    if earlier and not clause_years and RELATIVE_YEAR.search(text, earlier[0].end(), position_in_text):
        sentence_years = earlier = []
    # "从2011年的1520亿元增加到2016年的2243.1亿元": a change from a year to a year, both before the
    # plan period, is the span of a review — its 到 marks where the change ended, not a deadline
    review_span = any(int(m.group("year")) < context.plan_period[0] for m in BASELINE.finditer(text))
    for match in clause_years + earlier + [m for m in sentence_years if m not in later and m not in earlier]:
        year = int(match.group("year"))
        deadline = match.group("prefix") in ("到", "至") or (match.group("suffix") or "").endswith("前")
        if review_span and year < context.plan_period[0]:
            deadline = False
        if year < context.plan_period[0] and not deadline:
            return None, False, True
        return year, True, False
    # (决定从2009年起…，即力争用5年时间，新开辟茶园20万亩: the span's last year, counted from its start)
    years_span = YEARS_TO_TAKE.search(text, 0, position_in_text)
    if years_span:
        start = re.search(r"从((?:19|20)\d{2})年起", text)
        first = int(start.group(1)) if start else context.plan_period[0]
        return first + _year_count(years_span.group("take") or years_span.group("within")) - 1, False, False
    # (江苏将按照“十四五”末建成…的目标，今年新建高标准农田400万亩: 今年 after the deadline is the report's year)
    if re.search(r"今年|全年|(?<![\d一二三四五六七八九十两])年内", text[:position_in_text]) and context.title_year is not None:
        return context.title_year, False, False
    # (力争年内建成6050个老年食堂 in a plan of several years with no year in its title: its first year)
    if re.search(r"(?:今年|(?<![\d一二三四五六七八九十两])年内)(?!以来)", text[:position_in_text]):
        return context.plan_period[0], False, False
    # (…展望到2035年…。例如…，力争“十四五”期间…: a sentence naming the plan's span keeps its end,
    # not the year carried from the sentence before)
    span = PERIOD_SPAN.search(text)
    if span:
        named = re.match(r"十([一二三四五])五", span.group())
        return FIVE_YEAR_PLAN_END[named.group(1)] if named else context.plan_period[1], False, False
    # (a new government's first report, entered as its year: 未来5年的目标是… → that year and four more)
    ahead = FIVE_YEARS_AHEAD.search(text, 0, position_in_text) if context.one_year else None
    if ahead:
        return context.plan_period[0] + _years_ahead(ahead) - 1, False, False
    year = context.year_before(doc_position)
    if year is not None:
        return year, True, False
    year = context.heading_year(doc_position)
    if year is not None:                                 # "2024年主要目标任务"
        return year, True, False
    year = context.block_year_at(doc_position)
    if year is not None:                                 # a bare heading line "2017年主要工作" above
        return year, True, False
    if re.search(r"今年|全年|本年|年度", text):            # a work report's year: its title's, else
        return context.title_year or context.plan_period[0], False, False   # the period's first
    if context.period_section(doc_position) or PERIOD_WORDS.search(text):
        return context.plan_period[1], False, False
    return context.plan_period[1], False, False


# a span of years to take for the goals (用5年时间 / 用三年左右时间 / ，五年内力争…)
YEARS_TO_TAKE = re.compile(r"用(?P<take>[1-9]|[一二两三四五六七八九十])年(?:左右)?(?:的)?时间|" + YEARS_WITHIN)


def _same_clause(text: str, a: int, b: int) -> bool:
    """No clause break (，；：) between positions ``a`` and ``b`` of a sentence."""
    return not CLAUSE_SPLIT.search(text[min(a, b):max(a, b)])


def _is_baseline_year(text: str, match: re.Match) -> bool:
    before = text[max(0, match.start() - 3):match.start()]
    after = text[match.end():match.end() + 4]
    # (恢复到2019年的80%左右: the year compared with, not a deadline)
    recovered = re.search(r"恢复(?:到|至)?$", text[max(0, match.start() - 3):match.start()]) and after.startswith(("的", "水平"))
    return bool(re.search(r"(?:较|比|与|由|从|对比)$", before) or recovered) or after.startswith(("相比", "比", "基础上", "的基础上"))


# Targets set against a benchmark in words, not a number (the labelling notes of dev3): an
# indicator 达到 / 高于 / 快于 an average (全国 / 长三角平均水平), a standard or requirement (国家二级
# 标准, 国家要求), a target set above (完成省定目标 / 省控目标), or kept in step with the economy
# (居民收入与经济增长基本同步, 居民消费价格指数与国家价格调控目标保持衔接). Only where goals are set.
BENCHMARK = (r"(?:全国|全省|全市|长三角|长江经济带|东部地区|中部地区|沿海地区)(?:平均)?水平"
             r"|国家(?:二级)?标准|国家(?:规定|要求)|[省市](?:定|控)目标|国家价格调控目标")
BENCHMARK_REACH = re.compile(rf"(?P<verb>基本达到|达到|高于|快于|优于|不低于|完成|符合|满足)(?P<bench>{BENCHMARK}"
                             r"|经济增速|经济增长速度)")
BENCHMARK_STEP = re.compile(r"与(?P<bench>经济(?:增长|发展)|国家价格调控目标|全国平均水平|(?:全国|全省|全市|全区|省|市|区|县)(?!\w*[的之])"
                            r"(?:平均水平)?)(?:基本)?(?:保持)?"
                            r"(?P<verb>同步|衔接|一致|相适应|相匹配)(?:增长)?")


def _benchmark_targets(clause: str, clause_start: int, sentence: Sentence, context: _Context) -> list[DraftTarget]:
    drafts = []
    for match in list(BENCHMARK_REACH.finditer(clause)) + list(BENCHMARK_STEP.finditer(clause)):
        name = _indicator_text(clause, match.start())
        name = re.sub(r"(?:基本|等|要|确保|均|全面|力争|保持)+$", "", name).strip()
        if len(re.findall(rf"[{CJK}]", name)) < 2 or re.search(r"\d", name):
            continue                                     # (a table cell "[确保完成国家要求]" is read as a cell)
        year, _, past_year = _target_year(clause, sentence.text, clause_start + match.start(), context,
                                          sentence.start + clause_start + match.start())
        if past_year:
            continue
        verb = match.group("verb")
        bench = match.group("bench")
        value_text = bench if match.re is BENCHMARK_REACH else match.group()
        growth = re.search(r"增长|增速|增幅|涨幅", name) or match.re is BENCHMARK_STEP and "经济" in bench
        drafts.append(DraftTarget(
            indicator_text=name, sentence=sentence.text, location=sentence.location,
            start=sentence.start + clause_start + max(clause.find(name), 0),
            end=sentence.start + clause_start + match.end(), numeric=False, target_year=year,
            comparator=">" if verb in ("高于", "快于", "优于") else "≥" if verb == "不低于" else "=",
            value=None, value_text=value_text, unit="", change_type="increase" if growth else "level",
            confidence=0.5))
    return drafts


def _non_numeric(sentence: Sentence, context: _Context) -> list[DraftTarget]:
    """完成国家下达目标任务: one row per indicator named before it (split at 、)."""
    drafts = []
    text = sentence.text
    for match in NON_NUMERIC.finditer(text):
        clause_start = max(text.rfind(c, 0, match.start()) for c in "，,；;。：:") + 1
        subject = text[clause_start:match.start()]
        subject = re.sub(r"(?:要|应|须|必须|确保|力争|全面|均|都|全部|按期|如期|年度)+$", "", subject).strip()
        # (fifth development set) "单位GDP能耗和主要污染物减排完成省下达指标": two indicators
        # joined by 和, each named in full (four characters or more), are a row each
        names = [n.strip() for n in re.split(r"[、]", subject) if n.strip()] if subject else []
        if len(names) == 1 and len(parts := names[0].split("和")) == 2 and all(len(n) >= 4 for n in parts):
            names = parts
        # "…二氧化碳排放有序下降，确保完成省下达的指标": a clause with no subject of its own takes
        # the indicator of the clause before it (without its trend, 有序下降 / 持续下降)
        # (only when the target names no indicator either: "…完成国家下达的能耗双控目标" names one)
        what_name = re.sub(r"[“”\"]|十四五|的", "", match.group("what"))
        if not names and not what_name.strip() and clause_start > 0 and text[clause_start - 1] in "，,":
            before = text[max(text.rfind(c, 0, clause_start - 1) for c in "，,；;。：:") + 1:clause_start - 1]
            before = re.sub(r"(?:有序|持续|稳步|逐步|明显|大幅)?(?:下降|降低|减少|提升|提高|增长|改善)$", "", before)
            name = _indicator_text(before, len(before))
            if name and not re.search(r"\d", name):
                names = [name]
        what = match.group("what").strip()
        if not names:
            names = [what or ""]
        year, _, past_year = _target_year(text[clause_start:match.end()], text, match.start(), context,
                                          sentence.start + match.start())
        if past_year:
            continue
        for name in names:
            name = _indicator_text(name, len(name))
            offset = text.find(name, clause_start) if name else match.start()
            drafts.append(DraftTarget(
                indicator_text=name, sentence=text, location=sentence.location,
                start=sentence.start + max(offset, 0), end=sentence.start + match.end(), numeric=False,
                target_year=year, comparator="=", value=None,
                value_text=f"{match.group('by') or ''}下达目标",
                unit="", change_type="level", confidence=0.6 if name else 0.4))
    return drafts


def _progress_targets(doc: Document, context: _Context, tables: list[_ProgressTable]) -> list[DraftTarget]:
    """The targets in the goal column of each progress table: a sentence cell read as a goal
    sentence; a value cell read as a goal sentence with its row's name before it."""
    drafts = []
    for table in tables:
        location = doc.location(table.start) if len(doc.sections) < 2000 else ""
        for name, text, start, end in table.goal_cells:
            if table.sentence_cells:                     # (a task cell of several sentences: each read alone)
                for part in re.finditer(r"[^。！？]+[。！？]?", text):
                    drafts += _targets_of_sentence(Sentence(part.group(), start + part.start(), start + part.end(), location),
                                                   context, goal_block=True, in_goal_column=True)
                continue
            # (read with the row's name before the value; the draft stands where the value does)
            for draft in _targets_of_sentence(Sentence(name + text, start, end, location), context,
                                              goal_block=True, in_goal_column=True):
                draft.sentence, draft.start, draft.end = doc.text[start:end], start, end
                drafts.append(draft)
    return drafts
def _table_targets(doc: Document, context: _Context, found: list[DraftTarget]) -> list[DraftTarget]:
    """Indicator tables (指标 | 单位 | 2020年 | 2025年 …): the value under the target-year column
    (or 目标值 / 规划目标) of each row, and under a 年均 / 累计 column beside it (the 十四五
    tables give a level for 2025 or an annual / five-year figure, each row in one of the two).
    Rows whose cells read as sentences are left to the text; a target cell that is words, not a
    number ("与经济增长基本同步", "[确保完成国家要求]"), is a target without a number."""
    drafts = []
    for table in list(doc.tables) + _space_tables(doc) + _line_tables(doc) + _serial_line_tables(doc):
        if len(table.rows) < 2 or any(PAGE_META_CELL.fullmatch(str(c).strip()) for c in table.rows[0]):
            continue                                     # (索引号 | … | 公开方式 | 主动公开: the page's metadata)
        header = [re.sub(r"\s", "", c) for c in table.rows[0]]
        columns = _target_columns(header, context.plan_period)
        if not columns:
            continue
        width = len(header)
        # (not 责任单位 / 牵头单位: the units that answer for the row)
        unit_column = next((i for i, h in enumerate(header) if "单位" in h and not re.search(r"责任|牵头|配合|主办", h)), None)
        name_column = next((i for i, h in enumerate(header) if re.search(r"指标|名称|项目", h)), 0)
        spans = getattr(table, "row_spans", None)
        line_starts = [table.start]
        for line in doc.text[table.start:table.end].split("\n"):
            line_starts.append(line_starts[-1] + len(line) + 1)
        for number, row in enumerate(table.rows[1:], start=1):
            if spans:
                position, row_end = spans[number - 1]
            else:
                position = line_starts[min(number, len(line_starts) - 1)]
                line_end = doc.text.find("\n", position)
                row_end = line_end if line_end >= 0 else len(doc.text)
            row_text = doc.text[position:row_end].strip()
            if len(row) < width and getattr(table, "right_aligned", False):
                row = [""] * (width - len(row)) + list(row)     # a category cell spanning rows
            if name_column >= len(row):
                continue
            name = _cell_name(row[name_column])
            if name.endswith((":", "：")):
                continue                                 # a page's metadata table (公开属性: | 全部公开)
            unit = _cell_name(row[unit_column]) if unit_column is not None and unit_column < len(row) else ""
            # (2.规模以上工业总产值 / #规模以上工业总产值(区属): a row's serial, a sub-item's mark)
            name = re.sub(rf"^(?:\d{{1,2}}[.．、]\s*(?=[{CJK}])|[#＃]\s*)", "", name)
            inline_unit = re.search(r"[(（]([^()（）]{1,10})[)）]$", name)
            if inline_unit and not unit and _names_a_unit(inline_unit.group(1)):
                unit, name = re.sub(r"\s", "", inline_unit.group(1)), name[:inline_unit.start()].strip()
            if not name:
                continue
            for column, year in columns:
                if column >= len(row):
                    continue
                cell = row[column].strip()
                # (a column "预期增长(%)": its unit, and a growth for every row without a unit of its own)
                column_unit = re.search(r"[(（]([^()（）]{1,8})[)）]$", header[column])
                growth = bool(re.search(r"增长|增速|增幅", header[column]))
                drafts += _cell_targets(cell, name, unit or (column_unit.group(1) if column_unit else ""), year,
                                        row_text, table.location, position, row_end, growth=growth)
    return drafts
# ---------------------------------------------------------------------------------------------
# Duplicates
# ---------------------------------------------------------------------------------------------

def _dedupe(drafts: list[DraftTarget]) -> list[DraftTarget]:
    """A target repeated later in the document is one row (same indicator, value, comparator,
    year, unit and change); a table row also found in its own text is one row."""
    # Which mention is kept: the one in the sentence that states the most targets — the full
    # list of a work report's goals, not the lede or summary that quotes one of them first
    # ("今年…主要预期目标也定了，其中地区生产总值增长5%以上。"); among equals, see _mention_rank.
    def key(draft):          # (names compared in one spelling: the lede's "GDP" is the list's "地区生产总值";
        # a per-place row's place is part of it — 泰顺 12% is no repeat of 文成 12%)
        return (re.sub(r"\W", "", _canonical(draft.indicator_text)), draft.place, draft.value, draft.value_high, draft.comparator,
                draft.target_year, draft.unit, draft.change_type, draft.numeric,
                draft.value_text if not draft.numeric else "")

    # (distinct targets: a headline printed three times on its page states one target, not three)
    targets_in: dict[tuple[str, str], set] = {}
    for draft in drafts:
        targets_in.setdefault((draft.sentence, draft.location), set()).add(key(draft))
    per_sentence = {where: len(keys) for where, keys in targets_in.items()}
    # (the same target twice in one sentence is two: 城乡居民收入分别增长8%和8%以上 — the nth
    # of a sentence is a repeat only of the nth of another; a sentence printed twice is a repeat)
    ends_in_sentence: dict[tuple, list[int]] = {}
    chosen: dict[tuple, DraftTarget] = {}
    for draft in sorted(drafts, key=lambda d: d.start):
        ends = ends_in_sentence.setdefault((draft.sentence, key(draft)), [])
        nth = sum(draft.end - len(draft.sentence) < end < draft.end for end in ends)
        ends.append(draft.end)
        kept = chosen.get(key(draft) + (nth,))
        if kept is None or _mention_rank(draft, per_sentence) >= _mention_rank(kept, per_sentence):
            chosen[key(draft) + (nth,)] = draft
    return _drop_retold(sorted(chosen.values(), key=lambda d: d.start), per_sentence)


# A news report's first sentence ("中新网杭州1月7日电(…)…" / "本报讯…") or a line without a
# full stop (a headline, "浙江:2027年山区海岛县减至20个以下"): a summary of the body below it.
SUMMARY_MENTION = re.compile(r"^[^，,。；;]{0,40}?(?:\d{1,2}日电|讯|透露|获悉|了解到)|^[^。！？；;]{0,60}$")


def _mention_rank(draft: DraftTarget, per_sentence: dict) -> tuple[bool, bool, bool, int]:
    """Which mention of a repeated target is kept: a body sentence before a headline or news
    lede, a table's row before the sentences of its own cells, then the sentence stating the
    most targets, and among equals the last (a news text's headline, lede and body state a goal
    in that order, the body in full)."""
    sentence = draft.sentence.strip()
    headline = re.fullmatch(r"[^，,。；;！？]{0,60}", sentence) is not None     # (a lede before a headline)
    row = sentence.count("|") >= 2
    return not SUMMARY_MENTION.search(sentence), not headline, row, per_sentence[(draft.sentence, draft.location)]


def _bare_indicator(name: str) -> str:
    """A name without the words a retelling adds: the region, 将, 目标人数 (江苏城镇将新增就业 is
    城镇新增就业目标人数)."""
    name = re.sub(r"\W", "", name)
    name = re.sub(r"^(?:江苏|浙江|安徽|上海|全省|全市|全区|我省|我市)?(?:(?:19|20)\d{2}年)?|将|要|(?:目标)?(?:人数|值)$|目标$",
                  "", name)                          # (a headline's "浙江:2027年山区海岛县")
    return name


def _qualified_apart(a: str, b: str) -> bool:
    """One name is the other with a qualifier in brackets (增加值 / 增加值(属地)): two indicators."""
    short, long = sorted((a, b), key=len)
    qualifier = re.search(rf"[(（][{CJK}]{{1,6}}[)）]$", long)
    return short != long and qualifier is not None and long[:qualifier.start()] == short


def _drop_retold(drafts: list[DraftTarget], per_sentence: dict) -> list[DraftTarget]:
    """A target retold in other words in another sentence — a news lede's "扩建450公里以上" for
    the text's "扩建高速公路450公里以上" — is one row: same value, year, unit and change, a
    comparator that agrees (or the lede's bare number), names alike. The mention kept is the one
    in the sentence stating more targets."""
    dropped = set()
    for i, a in enumerate(drafts):
        for b in drafts[i + 1:]:
            if not (a.numeric and b.numeric) or a.sentence == b.sentence or id(a) in dropped or id(b) in dropped:
                continue
            if (a.value, a.value_high, a.target_year, a.unit, a.change_type) != \
                    (b.value, b.value_high, b.target_year, b.unit, b.change_type):
                continue
            if a.comparator != b.comparator and "=" not in (a.comparator, b.comparator) \
                    and {a.comparator, b.comparator} not in ({">", "≥"}, {"<", "≤"}):
                continue                                 # (a headline's 超15000个 is the text's 15000个以上)
            if a.place != b.place:
                continue                                 # (泰顺 12% and 永嘉 12%: two places' targets)
            if _qualified_apart(a.indicator_text, b.indicator_text):
                continue                                 # (增加值 and #增加值(属地): two rows of a table)
            names = sorted((_bare_indicator(a.indicator_text), _bare_indicator(b.indicator_text)), key=len)
            if name_similarity(*names) < 0.6 and not (len(names[0]) >= 2 and names[0] in names[1]):
                continue
            rank_a = _mention_rank(a, per_sentence) + (a.confidence,)
            rank_b = _mention_rank(b, per_sentence) + (b.confidence,)
            dropped.add(id(b) if rank_b <= rank_a else id(a))
    return [d for d in drafts if id(d) not in dropped]
