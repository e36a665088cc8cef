#!/usr/bin/python3
"""The peer a town clerk's analyst would write: pandas + openpyxl.

Reads every village ledger workbook in a folder (title row, then the header),
checks what taizhang's check step checks at its simplest (required columns,
status vocabulary, no empty problem; a deadline that is not a date is a
warning), concatenates the rows
with their village and writes one consolidated xlsx (openpyxl engine) with a
汇总 sheet and a per-village 统计 sheet.

    /usr/bin/python3 bench/peers/merge.py DIR OUT.xlsx

Run it with Debian's /usr/bin/python3 (python3-pandas, python3-openpyxl).
"""
import glob
import os
import sys

import pandas as pd

REQUIRED = ["巡察反馈问题", "整改措施", "整改时限", "整改进展情况", "整改状态"]
STATUS = {"已完成": "已完成", "已整改": "已完成", "完成整改": "已完成", "已销号": "已完成",
          "基本完成": "基本完成",
          "持续整改": "持续整改", "正在整改": "持续整改", "整改中": "持续整改", "持续推进": "持续整改",
          "长期坚持": "长期坚持", "长期": "长期坚持"}


warnings = []


def read(path):
    village = os.path.basename(path).split("整改台账")[0]
    df = pd.read_excel(path, sheet_name=0, header=1, engine="openpyxl")
    problems = []
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        return village, None, [f"{path}: 缺少列 {'、'.join(missing)}"]
    df = df.dropna(how="all")
    for i, row in df.iterrows():
        cell = i + 3  # header on row 2, data from row 3
        st = str(row["整改状态"]).strip()
        if st not in STATUS:
            problems.append(f"{path}:J{cell}: 整改状态“{st}”不是允许的状态")
        if pd.isna(row["巡察反馈问题"]) or not str(row["巡察反馈问题"]).strip():
            problems.append(f"{path}:C{cell}: 巡察反馈问题为空")
        if pd.isna(pd.to_datetime(row["整改时限"], errors="coerce")):
            warnings.append(f"{path}:H{cell}: 整改时限不是日期")
    df["整改状态"] = df["整改状态"].map(lambda s: STATUS.get(str(s).strip(), s))
    df.insert(0, "村（社区）", village)
    return village, df, problems


def main():
    folder, out = sys.argv[1], sys.argv[2]
    frames, problems = [], []
    for path in sorted(glob.glob(os.path.join(folder, "*.xlsx"))):
        _, df, p = read(path)
        problems += p
        if df is not None:
            frames.append(df)
    if problems:
        print("\n".join(problems[:20]), file=sys.stderr)
        sys.exit(1)
    all_ = pd.concat(frames, ignore_index=True)
    stats = all_.groupby("村（社区）", sort=False)["整改状态"].value_counts().unstack(fill_value=0)
    stats["任务数"] = stats.sum(axis=1)
    stats["完成率"] = (stats.get("已完成", 0) / stats["任务数"] * 100).round(1)
    with pd.ExcelWriter(out, engine="openpyxl") as w:
        all_.to_excel(w, sheet_name="汇总", index=False)
        stats.to_excel(w, sheet_name="统计")
    print(f"merge.py: {len(all_)} tasks from {len(frames)} workbooks, {len(warnings)} text deadlines → {out}")


if __name__ == "__main__":
    main()
