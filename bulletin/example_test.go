package bulletin_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/patchtime/patchtime/bulletin"
)

func ExampleParse() {
	// A small page in the plain layout, written for this example.
	const page = `深刻度
  1(緊急)
2(重要)
  3(警告)
  4(注意)
対策
早期適用
再起動の必要性
必要
脆弱性識別番号
MS06-090/930001
例として書いた架空の脆弱性

Windows XP SP2:
ファイル名 日付 バージョン サイズ
WindowsXP-KB930001-x86-JPN.exe 2006/11/01 1.0.0.0
512,000

予想適用時間
修正プログラム名 50台 100台 250台 500台
WindowsXP-KB930001-x86-JPN.exe
(Windows XP SP2)
17分 26分 対応予定 1時間33分
1コンソールのUpdateEXPERT 6.1での目安。
`
	b, err := bulletin.Parse(strings.NewReader(page))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(b.ID, b.KBs, b.Severity, b.Urgency, b.Reboot)
	for _, r := range b.Timings {
		p, _ := b.Package(r.Package)
		fmt.Printf("%s %s (%s, %d bytes) with %d × %s, line %d\n", r.KB, r.Platform, r.Package, p.Bytes, r.Consoles, r.Console, r.Line)
		for _, pt := range r.Points {
			fmt.Printf("  %d台: %d min\n", pt.Hosts, pt.Minutes)
		}
		fmt.Println("  not measured:", r.Absent)
	}
	// Output:
	// MS06-090 [KB930001] 2(重要) 早期適用 required
	// KB930001 Windows XP SP2 (WindowsXP-KB930001-x86-JPN.exe, 512000 bytes) with 1 × UpdateEXPERT 6.1, line 21
	//   50台: 17 min
	//   100台: 26 min
	//   500台: 93 min
	//   not measured: [250]
}

func ExampleParseDuration() {
	for _, s := range []string{"1時間28分", "１時間２８分", "12分", "28分1時間"} {
		d, err := bulletin.ParseDuration(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(s, "=", d.Minutes(), "min")
	}
	// Output:
	// 1時間28分 = 88 min
	// １時間２８分 = 88 min
	// 12分 = 12 min
	// duration "28分1時間": 時間 must come once, before 分 (want e.g. 1時間28分, 12分 or 2時間)
}

func ExampleFormatDuration() {
	for _, d := range []time.Duration{12 * time.Minute, 88 * time.Minute, 2 * time.Hour, 212*time.Minute + 20*time.Second} {
		fmt.Println(bulletin.FormatDuration(d))
	}
	// Output:
	// 12分
	// 1時間28分
	// 2時間
	// 3時間32分
}
