"""国办公开办函〔2021〕30号: the format for the 2021 report and every later year."""

from gknb.formats.base import (
    Block,
    Format,
    InForce,
    Kind,
    Line,
    t3_columns,
    t3_rows,
    t4_block,
)

_DECISIONS = (Line("decisions", "本年处理决定数量"),)

FORMAT = Format(
    version="2021",
    document="国办公开办函〔2021〕30号",
    years="2021年及以后",
    sample_year=2025,
    own_rows_layout="分为 1–3 三行",
    blocks=(
        Block(
            id="T2_1",
            table="T2",
            title="第二十条第（一）项",
            header="信息内容",
            rows=(
                Line("regulation", "规章", keys=("规章",)),
                Line("normative", "行政规范性文件", keys=("规范性文件",)),
            ),
            cols=(
                Line("issued", "本年制发件数"),
                Line("repealed", "本年废止件数"),
                Line("in_force", "现行有效件数"),
            ),
        ),
        Block(
            id="T2_5",
            table="T2",
            title="第二十条第（五）项",
            header="信息内容",
            rows=(Line("license", "行政许可"),),
            cols=_DECISIONS,
            spanning_header=True,
        ),
        Block(
            id="T2_6",
            table="T2",
            title="第二十条第（六）项",
            header="信息内容",
            rows=(Line("penalty", "行政处罚"), Line("enforcement", "行政强制")),
            cols=_DECISIONS,
            spanning_header=True,
        ),
        Block(
            id="T2_8",
            table="T2",
            title="第二十条第（八）项",
            header="信息内容",
            rows=(Line("fee", "行政事业性收费"),),
            cols=(Line("amount", "本年收费金额（单位：万元）"),),
            kinds={"amount": Kind.AMOUNT},
            spanning_header=True,
        ),
        Block(
            id="T3",
            table="T3",
            title="",
            header="",
            rows=t3_rows(
                (
                    Line(
                        "r6_1",
                        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                        "（六）其他处理",
                        "三、本年度办理结果",
                        ("逾期不补正",),
                    ),
                    Line(
                        "r6_2",
                        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                        "（六）其他处理",
                        "三、本年度办理结果",
                        ("收费通知", "缴纳费用"),
                    ),
                    Line("r6_3", "3.其他", "（六）其他处理", "三、本年度办理结果", ("其他",)),
                )
            ),
            cols=t3_columns(),
            total_rows=("r7_total",),
            total_cols=("total",),
        ),
        t4_block(),
    ),
    in_force=InForce("T2_1", ("regulation", "normative"), "issued", "repealed", "in_force"),
    fee_in_wan=("T2_8", "fee", "amount"),
    unpaid_fee=("T3", "r6_2", "total"),
)
