"""国办公开办函〔2019〕60号 (试行): the format for the 2019 and 2020 reports."""

from gknb.formats.base import Block, Format, Kind, Line, Within, t3_columns, t3_rows, t4_block

_ITEMS = (
    Line("prev_items", "上一年项目数量"),
    Line("change", "本年增/减"),
    Line("decisions", "处理决定数量"),
)

FORMAT = Format(
    version="2019",
    document="国办公开办函〔2019〕60号",
    years="2019、2020年",
    sample_year=2020,
    own_rows_layout="只有一行",
    blocks=(
        Block(
            id="T2_1",
            table="T2",
            title="第二十条第（一）项",
            header="信息内容",
            rows=(
                Line("regulation", "规章", keys=("规章",)),
                Line("normative", "规范性文件", keys=("规范性文件",)),
            ),
            cols=(
                Line("made", "本年新制作数量"),
                Line("published", "本年新公开数量"),
                Line("total_public", "对外公开总数量"),
            ),
        ),
        Block(
            id="T2_5",
            table="T2",
            title="第二十条第（五）项",
            header="信息内容",
            rows=(
                Line("license", "行政许可"),
                Line("other_service", "其他对外管理服务事项", keys=("其他对外管理服务",)),
            ),
            cols=_ITEMS,
            kinds={"change": Kind.SIGNED},
        ),
        Block(
            id="T2_6",
            table="T2",
            title="第二十条第（六）项",
            header="信息内容",
            rows=(Line("penalty", "行政处罚"), Line("enforcement", "行政强制")),
            cols=_ITEMS,
            kinds={"change": Kind.SIGNED},
        ),
        Block(
            id="T2_8",
            table="T2",
            title="第二十条第（八）项",
            header="信息内容",
            rows=(Line("fee", "行政事业性收费"),),
            cols=_ITEMS[:2],
            kinds={"change": Kind.SIGNED},
        ),
        Block(
            id="T2_9",
            table="T2",
            title="第二十条第（九）项",
            header="信息内容",
            rows=(Line("procurement", "政府集中采购"),),
            cols=(Line("items", "采购项目数量"), Line("amount", "采购总金额")),
            kinds={"amount": Kind.AMOUNT},
        ),
        Block(
            id="T3",
            table="T3",
            title="",
            header="",
            rows=t3_rows(
                (
                    Line(
                        "r6",
                        "（六）其他处理",
                        section="三、本年度办理结果",
                        keys=("其他处理",),
                    ),
                )
            ),
            cols=t3_columns(),
            total_rows=("r7_total",),
            total_cols=("total",),
        ),
        t4_block(),
    ),
    published_within=Within("T2_1", ("regulation", "normative"), "published", "total_public"),
)
