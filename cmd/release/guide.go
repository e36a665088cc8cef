package main

import "strings"

// guide is the 使用说明.txt of a target's zip: what the clerk does with the
// program, in the words of the README's opening. On Windows it is written
// as Notepad expects (a byte order mark, CRLF line ends).
func guide(t Target) []byte {
	var text string
	if t.GOOS == "windows" {
		text = windowsGuide
	} else {
		text = strings.ReplaceAll(linuxGuide, "{{arch}}", t.GOARCH)
	}
	return notepad(t, []byte(text))
}

// notepad makes a text file right for the target's editor: on Windows a
// byte order mark and CRLF line ends, as Notepad expects.
func notepad(t Target, text []byte) []byte {
	if t.GOOS != "windows" {
		return text
	}
	s := strings.ReplaceAll(string(text), "\r\n", "\n")
	return []byte("\ufeff" + strings.ReplaceAll(s, "\n", "\r\n"))
}

const windowsGuide = `台账（taizhang）使用说明

台账帮镇里核对、汇总各村（社区）报来的巡察整改台账，生成汇总台账（Excel）和公开通报（PDF，党政机关公文格式）。
不需要安装，也不需要联网。需要 Windows 10 或更新版本（64 位）。

一、先看示例
1. 把这个压缩包解压（右键“全部解压缩”），打开里面有 taizhang.exe 的那个文件夹（taizhang-windows-amd64）。
2. 在这个文件夹的地址栏里输入 cmd，按回车，打开“命令提示符”。
3. 输入下面这行，按回车：
     taizhang build 示例
   几秒钟后，示例\out 里就有 汇总台账.xlsx、通报.pdf 和各村台账。

二、开始一轮工作
1. 在命令提示符里输入：
     taizhang init 第六轮巡察整改
   会建好工作文件夹：taizhang.yaml（配置）、收件箱、输出、通报正文.docx、空白台账。
2. 用记事本打开 taizhang.yaml，改成本镇的镇名、日期、联系方式和各村（社区）名单。
3. 重新生成发给各村的空白表：
     cd 第六轮巡察整改
     ..\taizhang template --all -o 空白台账 --force
4. 把 taizhang.exe 复制到工作文件夹里（和 taizhang.yaml 放在一起），双击它：
   浏览器里会打开台账工作台（http://127.0.0.1:8765，只在本机），同时监视“收件箱”，
   各村交来的台账拖到网页上或放进收件箱，都会自动检查、回执或退回、更新通报。
   黑色窗口要一直开着；要停止时按 Ctrl+C，或关掉窗口。
5. 随时可以运行 taizhang status 看谁报了、谁没报；公开当天运行 taizhang build --final 生成公开版。

完整的步骤见同一文件夹里的“工作流程.txt”。
所有命令都可以加 --help 查看中文说明，例如 taizhang build --help。
`

const linuxGuide = `台账（taizhang）使用说明

台账帮镇里核对、汇总各村（社区）报来的巡察整改台账，生成汇总台账（Excel）和公开通报（PDF，党政机关公文格式）。
不需要安装，也不需要联网。这一份是 Linux {{arch}} 版：
  amd64 用于一般的 x86-64 电脑，arm64 用于飞腾、鲲鹏等 ARM 电脑，loong64 用于龙芯电脑
  （统信UOS、麒麟等信创系统；不清楚时在终端输入 uname -m 查看：x86_64 选 amd64，aarch64 选 arm64，loongarch64 选 loong64）。

一、先看示例
1. 解压这个压缩包（unzip 或文件管理器），在里面有 taizhang 程序的那个文件夹里打开终端。
2. 输入下面这行，按回车：
     ./taizhang build 示例
   几秒钟后，示例/out 里就有 汇总台账.xlsx、通报.pdf 和各村台账。

二、开始一轮工作
1. 输入：
     ./taizhang init 第六轮巡察整改
   会建好工作文件夹：taizhang.yaml（配置）、收件箱、输出、通报正文.docx、空白台账。
2. 用文本编辑器打开 taizhang.yaml，改成本镇的镇名、日期、联系方式和各村（社区）名单。
3. 重新生成发给各村的空白表：
     cd 第六轮巡察整改
     ../taizhang template --all -o 空白台账 --force
4. 运行 ../taizhang watch：程序开始监视“收件箱”，各村交来的台账放进去就自动检查、回执或退回、更新通报。
   要停止时按 Ctrl+C。
5. 随时可以运行 ../taizhang status 看谁报了、谁没报；公开当天运行 ../taizhang build --final 生成公开版。

完整的步骤见同一文件夹里的“工作流程.txt”。
所有命令都可以加 --help 查看中文说明，例如 ./taizhang build --help。
`
