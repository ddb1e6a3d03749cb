"""The computed sentences and tables of a report, in the seeds' wording, from a `ReportFigures`.

Each function returns blocks of `reports.document`; `reports.structure` puts them in the sections of a
report kind. Reports are official Vietnamese documents, so the text here is Vietnamese and not translated.
"""

from itertools import groupby

from ntm_portal.text import name_in_sentence
from reports.document import MISSING, Block, Paragraph, Table
from reports.figures import BandFigures, PlanFigures, ReportFigures
from reports.numbers import (
    average_text,
    change_text,
    count_text,
    decimal_text,
    integer_text,
    million_dong,
    million_dong_text,
    percent_text,
)


def place_phrase(figures: ReportFigures) -> str:
    """ "trên địa bàn tỉnh Cao Bằng"."""
    return f"trên địa bàn {name_in_sentence(figures.unit.name)}"


def names_in_sentence(names) -> str:
    """ "xã Một, xã Hai": unit names listed inside a sentence."""
    return ", ".join(name_in_sentence(name) for name in names)


def missing_narrative(label: str) -> Paragraph:
    """What an empty written section says: where its text is written."""
    return Paragraph(f"Chưa có nội dung mục này: viết tại trang Báo cáo, ô “{label}” của bản dự thảo.", origin=MISSING)


def results_missing(figures: ReportFigures) -> list[Block]:
    """What a report says in place of the results of a year no commune has any for."""
    return [
        Paragraph(
            f"Chưa có kết quả đánh giá tiêu chí năm {figures.year}: nhập tại trang Nhập dữ liệu, "
            "loại Kết quả tiêu chí (mỗi xã một dòng).",
            origin=MISSING,
        )
    ]


def recognition_blocks(figures: ReportFigures) -> list[Block]:
    """Communes recognised (new and held), the share, the bands: seed 001 §I.9.a."""
    ntm = figures.tier("ntm")
    when = f"Năm {figures.year}" if not figures.is_period else f"Giai đoạn {figures.start}-{figures.year}"
    new = f"{when}, {place_phrase(figures)} có thêm {count_text(ntm.new_count)} xã đạt chuẩn nông thôn mới"
    if ntm.planned:
        new += f" (bằng {percent_text(ntm.of_plan)} so với kế hoạch {count_text(len(ntm.planned))} xã)"
    new += f": {names_in_sentence(ntm.new)}." if ntm.new else "."
    held = (
        f"Lũy kế đến hết năm {figures.year} có {count_text(ntm.held)}/{integer_text(figures.communes)} xã đạt chuẩn "
        f"nông thôn mới, chiếm {percent_text(ntm.share)} tổng số xã thực hiện Chương trình"
    )
    for higher in figures.tiers[1:]:  # nâng cao and kiểu mẫu until 2025, hiện đại from 2026
        if higher.held:
            held += f"; {count_text(higher.held)} xã đạt chuẩn {HIGHER_TIER_WORDS[higher.tier]}"
    blocks: list[Block] = [Paragraph(new), Paragraph(held + ".")]
    if figures.criteria_count:
        blocks.append(Paragraph(met_all_sentence(figures)))
    if ntm.missed:
        blocks.append(Paragraph(f"Các xã trong kế hoạch chưa đạt chuẩn: {names_in_sentence(ntm.missed)}."))
    blocks.append(Paragraph(bands_sentence(figures)))
    return blocks


HIGHER_TIER_WORDS = {
    "ntm_nang_cao": "nông thôn mới nâng cao",
    "ntm_kieu_mau": "nông thôn mới kiểu mẫu",
    "ntm_hien_dai": "nông thôn mới hiện đại",
}


def met_all_sentence(figures: ReportFigures) -> str:
    """Communes meeting every criterion and how many of them hold a decision: an office's workbook often has
    communes at 19/19 before the province has recognised them."""
    criteria = figures.criteria_count
    return (
        f"Năm {figures.year} có {count_text(figures.met_all)} xã đạt đủ {criteria}/{criteria} tiêu chí, trong đó "
        f"{count_text(figures.met_all_recognised)} xã đã có quyết định công nhận đạt chuẩn nông thôn mới."
    )


def band_phrase(band: BandFigures) -> str:
    """ "15-18 tiêu chí", "dưới 5 tiêu chí", "9 tiêu chí"."""
    if band.low == 0:
        return f"dưới {band.high + 1} tiêu chí"
    if band.low == band.high:
        return f"{band.low} tiêu chí"
    return f"{band.low}-{band.high} tiêu chí"


def bands_sentence(figures: ReportFigures) -> str:
    """The communes not recognised by the set's bands, those meeting all criteria without a decision first, then
    the set's extra lines ("under 10") as shares."""
    counted = [f"{count_text(band.communes)} xã đạt {band_phrase(band)}" for band in figures.partition[1:]]
    if figures.met_all_unrecognised:
        criteria = figures.criteria_count
        counted.insert(
            0, f"{count_text(figures.met_all_unrecognised)} xã đạt đủ {criteria} tiêu chí, chưa có quyết định công nhận"
        )
    parts = "; ".join(counted)
    extras = "; ".join(
        f"số xã đạt {band_phrase(band)} chiếm {percent_text(band.share, 1)}" for band in figures.bands if band.extra
    )
    return f"Số xã còn lại: {parts}" + (f" ({extras})." if extras else ".")


def set_blocks(figures: ReportFigures) -> list[Block]:
    """The set the year was judged on, named with its decision (a year after the 2025 reform is not judged
    on the 19 criteria)."""
    criteria_set = figures.criteria_set
    if criteria_set is None:
        return [
            Paragraph(
                f"Năm {figures.year} chưa có bộ tiêu chí xã nông thôn mới được áp dụng: nhập tại trang Bộ tiêu chí.",
                origin=MISSING,
            )
        ]
    return [
        Paragraph(
            f"Kết quả năm {figures.year} được đánh giá theo {criteria_set.name} ({criteria_set.criteria} tiêu chí), "
            f"ban hành kèm theo Quyết định số {criteria_set.decision_number}."
        )
    ]


def average_blocks(figures: ReportFigures) -> list[Block]:
    """The average criteria per commune, against plan and the previous year, and by district: §I.9.b. A period
    across the 2025 reform gives each set's years their own sentence instead (`segment_blocks`)."""
    if figures.crosses_scales:
        blocks = segment_blocks(figures)
    else:
        sentence = f"Bình quân toàn {_scope_word(figures)} đạt {average_text(figures.average)}{_of_plan(figures)}"
        if figures.average_change is not None:
            change = change_text(figures.average_change, unit=" tiêu chí/xã")
            sentence += f", {change} so với năm {figures.previous_year}"
        blocks = [Paragraph(sentence + ".")]
    if figures.districts:
        ranked = ", ".join(
            f"{name_in_sentence(district.name)} ({decimal_text(district.average)})" for district in figures.districts
        )
        blocks.append(Paragraph(f"Bình quân tiêu chí/xã theo đơn vị cấp huyện, từ cao đến thấp: {ranked}."))
        blocks.append(district_table(figures))
    return blocks


def segment_blocks(figures: ReportFigures) -> list[Block]:
    """One sentence per run of years judged on one set, with its last year's figures: the 19 criteria until
    2025 on the old communes (their recognitions as they stood), the 10 of QĐ 51/2025 on the new ones."""
    blocks: list[Block] = []
    for segment in figures.segments:
        criteria_set, last = segment.criteria_set, segment.last_year
        years = f"Năm {last}" if segment.first_year == last else f"Giai đoạn {segment.first_year}-{last}"
        reached = "" if segment.first_year == last else f" đến năm {last}"
        sentence = (
            f"{years} ({criteria_set.name}, Quyết định số {criteria_set.decision_number}, "
            f"{criteria_set.criteria} tiêu chí):{reached} bình quân toàn {_scope_word(figures)} đạt "
            f"{average_text(segment.average)}{_of_plan(figures) if last == figures.year else ''}; "
            f"{count_text(segment.met_all)}/{integer_text(segment.communes)} xã đạt đủ {criteria_set.criteria} "
            f"tiêu chí; {count_text(segment.recognised)} xã được công nhận đạt chuẩn nông thôn mới."
        )
        blocks.append(Paragraph(sentence))
    return blocks


def _of_plan(figures: ReportFigures) -> str:
    """ " (bằng 96,55% so với kế hoạch 11,00 tiêu chí/xã)" of the report year's average, "" without a plan."""
    if figures.average_of_plan is None:
        return ""
    return (
        f" (bằng {percent_text(figures.average_of_plan)} so với kế hoạch "
        f"{decimal_text(figures.planned_average, 2)} tiêu chí/xã)"
    )


def district_table(figures: ReportFigures) -> Table:
    rows = tuple(
        (
            str(index),
            district.name,
            integer_text(district.communes),
            decimal_text(district.average),
            change_text(district.change) if district.change is not None else "",
            integer_text(district.recognised),
        )
        for index, district in enumerate(figures.districts, 1)
    )
    return Table(
        title=f"Kết quả bình quân tiêu chí theo đơn vị cấp huyện năm {figures.year}",
        columns=(
            "STT",
            "Đơn vị",
            "Số xã",
            "Bình quân (tiêu chí/xã)",
            f"So với năm {figures.previous_year}",
            "Số xã đạt chuẩn NTM",
        ),
        rows=rows,
        numeric=(False, False, True, True, True, True),
        unbroken=(False, True),
    )


def criteria_blocks(figures: ReportFigures) -> list[Block]:
    """One bullet per criterion, grouped as the seeds group them: §I.9.c."""
    blocks: list[Block] = []
    for group, criteria in groupby(figures.criteria, key=lambda criterion: criterion.group):
        if group:
            blocks.append(Paragraph(group, bullet="-"))
        for criterion in criteria:
            text = (
                f"{count_text(criterion.met)} xã đạt tiêu chí số {criterion.number} - {criterion.name} "
                f"(bằng {percent_text(criterion.share)})"
            )
            if criterion.change_points is not None:
                text += f"; {change_text(criterion.change_points, unit='%')} so với năm {figures.previous_year}"
            blocks.append(Paragraph(text + ".", bullet="+"))
    blocks.append(Paragraph("(Có biểu chi tiết kèm theo)"))
    return blocks


def lost_blocks(figures: ReportFigures) -> list[Block]:
    if not figures.lost:
        return [Paragraph(f"Các xã đã được công nhận đạt chuẩn đều duy trì đủ tiêu chí trong năm {figures.year}.")]
    listed = "; ".join(
        f"{name_in_sentence(lost.name)} ({name_in_sentence(lost.district)}): "
        f"tiêu chí số {', '.join(str(number) for number in lost.criteria)}"
        for lost in figures.lost
    )
    return [
        Paragraph(
            f"Có {count_text(len(figures.lost))} xã đã được công nhận đạt chuẩn nông thôn mới nhưng năm {figures.year} "
            f"chưa duy trì được đầy đủ các tiêu chí: {listed}."
        )
    ]


def evidence_blocks(figures: ReportFigures) -> list[Block]:
    evidence = figures.evidence
    return [
        Paragraph(
            f"Hồ sơ minh chứng: {integer_text(evidence.accepted)} tài liệu đã được chấp nhận, "
            f"{integer_text(evidence.pending)} tài liệu đang chờ xem xét, {integer_text(evidence.rejected)} tài liệu "
            f"bị trả lại; {integer_text(evidence.met_without_evidence)} lượt tiêu chí được đánh giá đạt nhưng chưa có "
            f"minh chứng được chấp nhận."
        )
    ]


def funding_blocks(figures: ReportFigures) -> list[Block]:
    """Money mobilised by source, with shares and the total without credit: seed 000 §III.3.1, 001 §I.7."""
    funding = figures.funding
    if funding.is_empty:
        return [
            Paragraph(
                f"Chưa có số liệu nguồn vốn huy động {_period_phrase(figures)}: nhập tại trang Nhập dữ liệu, "
                "loại Nguồn vốn (mỗi nguồn một dòng).",
                origin=MISSING,
            )
        ]
    blocks: list[Block] = [
        Paragraph(
            f"Tổng nguồn vốn huy động {_period_phrase(figures)}: {million_dong_text(funding.total_vnd)} "
            f"(không kể vốn tín dụng: {million_dong_text(funding.total_without_credit_vnd)}), trong đó:"
        )
    ]
    for line in funding.lines:
        if line.depth == 0 and line.amount_vnd:
            blocks.append(
                Paragraph(
                    f"{line.name}: {million_dong_text(line.amount_vnd)}, chiếm {percent_text(line.share)};", bullet="-"
                )
            )
    in_kind = funding.in_kind
    if not in_kind.is_empty:
        parts = []
        if in_kind.labour_days:
            parts.append(f"{decimal_text(in_kind.labour_days, _places(in_kind.labour_days))} ngày công")
        if in_kind.land_m2:
            parts.append(f"hiến {decimal_text(in_kind.land_m2, _places(in_kind.land_m2))} m² đất")
        if in_kind.materials_vnd:
            parts.append(f"vật liệu trị giá {million_dong_text(in_kind.materials_vnd)}")
        blocks.append(Paragraph(f"Nhân dân đóng góp {', '.join(parts)}."))
    blocks.append(funding_table(figures))
    return blocks


def funding_table(figures: ReportFigures) -> Table:
    funding = figures.funding
    lines = [line for line in funding.lines if line.amount_vnd]
    rows = [
        (
            str(index),
            "\u2003" * line.depth + line.name,
            million_dong(line.amount_vnd),
            decimal_text(line.share),
            decimal_text(line.share_without_credit),
        )
        for index, line in enumerate(lines, 1)
    ]
    rows.append(("", "Tổng cộng", million_dong(funding.total_vnd), "100,00", ""))
    rows.append(("", "Tổng không kể vốn tín dụng", million_dong(funding.total_without_credit_vnd), "", "100,00"))
    return Table(
        title=f"Nguồn vốn huy động {_period_phrase(figures)} (triệu đồng)",
        columns=("STT", "Nguồn vốn", "Số tiền (triệu đồng)", "Tỷ lệ (%)", "Tỷ lệ không kể tín dụng (%)"),
        rows=tuple(rows),
        numeric=(False, False, True, True, True),
        bold_rows=(len(rows) - 2, len(rows) - 1),
    )


def targets_blocks(plan: PlanFigures | None, *, next_year: int) -> list[Block]:
    """The communes planned to reach NTM next year, and the total held then: the appendix's KH figures."""
    names = plan.new_names["ntm"] if plan else ()
    if not names:
        return [
            Paragraph(
                f"Chưa có mục tiêu xã đạt chuẩn nông thôn mới năm {next_year}: nhập tại trang Quản trị, mục Mục tiêu.",
                origin=MISSING,
            )
        ]
    return [
        Paragraph(
            f"Phấn đấu năm {next_year} có thêm {count_text(len(names))} xã đạt chuẩn nông thôn mới: "
            f"{names_in_sentence(names)}; nâng tổng số xã đạt chuẩn lên {count_text(plan.holding['ntm'])} xã."
        )
    ]


def summary_table(figures: ReportFigures) -> Table:
    """The appendix table of the PDF: seed 001's "Biểu" for the year and the previous one."""
    previous = figures.previous_average
    rows = [
        ("", "Tổng số xã thực hiện Chương trình", "xã", integer_text(figures.communes)),
        ("1", "Bình quân số tiêu chí đạt chuẩn/xã", "tiêu chí", decimal_text(figures.average)),
        ("2", "Số xã đạt chuẩn nông thôn mới (lũy kế)", "xã", integer_text(figures.tier("ntm").held)),
    ]
    if figures.criteria_count:
        criteria = figures.criteria_count
        rows.append(
            ("", f"Số xã đạt đủ {criteria} tiêu chí, chưa có quyết định công nhận", "xã",
             integer_text(figures.met_all_unrecognised))
        )  # fmt: skip
    rows += [
        (f"2.{index}", f"Số xã đạt {band.label.replace('<', 'dưới ')} tiêu chí", "xã", integer_text(band.communes))
        for index, band in enumerate(figures.bands[1:], 1)
    ]
    rows += [
        (
            f"3.{criterion.number}",
            f"Số xã đạt tiêu chí số {criterion.number} - {criterion.name}",
            "xã",
            integer_text(criterion.met),
        )
        for criterion in figures.criteria
    ]
    note = f"Năm {figures.previous_year}: bình quân {decimal_text(previous)} tiêu chí/xã." if previous else ""
    return Table(
        title=f"Biểu tổng hợp kết quả thực hiện Bộ tiêu chí xã nông thôn mới năm {figures.year}",
        columns=("STT", "Chỉ tiêu", "ĐVT", f"TH {figures.year}"),
        rows=tuple(rows),
        numeric=(False, False, False, True),
        unbroken=(False, False, True),
        note=note,
    )


def _scope_word(figures: ReportFigures) -> str:
    return {"province": "tỉnh", "district": "huyện"}.get(figures.unit.level, "xã")


def _period_phrase(figures: ReportFigures) -> str:
    return f"năm {figures.year}" if not figures.is_period else f"giai đoạn {figures.start}-{figures.year}"


def _places(quantity) -> int:
    return max(0, -quantity.normalize().as_tuple().exponent)


def map_names_blocks(figures: ReportFigures) -> list[Block]:
    """The communes of the map by band, named: a printed map shows no names on hover."""
    if figures.map is None:
        return []
    blocks: list[Block] = []
    for band in figures.partition:
        names = [commune.name for commune in figures.map.communes if band.low <= commune.met <= band.high]
        if names:
            label = band.label.replace("<", "dưới ")
            blocks.append(
                Paragraph(
                    f"Đạt {label} tiêu chí ({count_text(len(names))} xã): {names_in_sentence(names)}.", bullet="-"
                )
            )
    return blocks
