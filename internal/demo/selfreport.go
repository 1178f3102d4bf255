package demo

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"time"

	"github.com/meded/meded/internal/document"
	"github.com/meded/meded/internal/selfreport"
)

// demoSelfReport is one kind of claim the demo staff make, in turn.
type demoSelfReport struct {
	category string
	title    string
	details  map[string]string
}

var demoSelfReports = []demoSelfReport{
	{"self_study", "《慢性心力衰竭诊治指南》学习综述", map[string]string{"characters": "4200", "material": "中国心力衰竭诊断和治疗指南 2024"}},
	{"paper", "肝移植术后早期感染的危险因素分析", map[string]string{"journal": "中华器官移植杂志", "level": "national", "author_rank": "2", "issue": "2025, 46(3)"}},
	{"outside_cme", "国家级继续医学教育项目：急危重症救治新进展", map[string]string{"organiser": "四川大学华西医院", "certificate_number": "2025-04-01-112(国)", "project_code": "2025-04-01-112", "hours": "12"}},
	{"research_project", "脓毒症早期预警模型的多中心研究", map[string]string{"project_number": "2025KY318", "funder": "浙江省卫生健康委员会", "level": "provincial", "member_rank": "3"}},
	{"self_study", "抗菌药物合理使用读书报告", map[string]string{"characters": "2600"}},
	{"book", "《临床检验质量控制手册》参编", map[string]string{"publisher": "人民卫生出版社", "characters": "3500", "isbn": "978-7-117-00000-0"}},
	{"paper", "Nurse-led early mobilisation after abdominal surgery", map[string]string{"journal": "Journal of Clinical Nursing", "level": "foreign", "author_rank": "1", "doi": "10.0000/demo.2025.001"}},
}

// demoOutcome decides the nth report's fate: about half approved (one in
// five of those adjusted), a quarter waiting, the rest rejected or withdrawn.
func demoOutcome(n int) string {
	switch n % 8 {
	case 0, 1, 2, 3:
		return selfreport.Approved
	case 4, 5:
		return selfreport.Submitted
	case 6:
		return selfreport.Rejected
	}
	return selfreport.Withdrawn
}

// loadSelfReports records self-reported credits of staff of the Hangzhou
// hospital for last year and this one, with small evidence files, through
// the same submission and review as the pages, so approved reports reach
// the ledger as entries the credit files show. The demo learner gets one of
// each outcome.
func (b *builder) loadSelfReports() error {
	today := time.Now()
	if today.Year() < 2026 {
		today = time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC)
	}
	learner := b.ids["staff/Emergency Medicine"]
	var staff []int64
	rows, err := b.tx.Query(b.ctx, "SELECT id FROM people WHERE institution_id = ? AND id <> ? ORDER BY id LIMIT 90", b.ids["zju1h"], learner)
	if err != nil {
		return fmt.Errorf("demo: self-report staff: %w", err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		staff = append(staff, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	photo, err := demoPNG()
	if err != nil {
		return err
	}
	type claim struct {
		person  int64
		outcome string
	}
	claims := []claim{{learner, selfreport.Approved}, {learner, selfreport.Submitted}, {learner, selfreport.Rejected}}
	for i, id := range staff {
		claims = append(claims, claim{id, demoOutcome(i)})
	}
	for n, c := range claims {
		r := demoSelfReports[n%len(demoSelfReports)]
		year := today.Year() - n%2
		files := []document.Upload{{Name: fmt.Sprintf("证明材料-%d.pdf", n+1), DeclaredType: document.PDF, Content: demoPDF(r.title)}}
		if r.category == "outside_cme" {
			files = append(files, document.Upload{Name: "证书照片.png", DeclaredType: document.PNG, Content: photo})
		}
		in := selfreport.Input{Category: r.category, CreditYear: year, Title: r.title, Details: r.details}
		rep, err := selfreport.Submit(b.ctx, b.tx, actor, c.person, in, files, today)
		if err != nil {
			return fmt.Errorf("demo: self-report %d: %w", n, err)
		}
		switch c.outcome {
		case selfreport.Approved:
			rv := selfreport.Review{}
			if n%5 == 4 && rep.Claimed > 100 {
				rv = selfreport.Review{Amount: rep.Claimed - 100, Reason: "证明材料只支持部分内容"}
			}
			_, _, err = selfreport.Approve(b.ctx, b.tx, actor, rep.ID, rv)
		case selfreport.Rejected:
			_, err = selfreport.Reject(b.ctx, b.tx, actor, rep.ID, "证明材料不清晰，请重新提交")
		case selfreport.Withdrawn:
			_, err = selfreport.Withdraw(b.ctx, b.tx, actor, rep.ID)
		}
		if err != nil {
			return fmt.Errorf("demo: self-report %d (%s): %w", n, c.outcome, err)
		}
	}
	return nil
}

// demoPDF is a one-page PDF naming the work, small but well formed.
func demoPDF(title string) []byte {
	var buf bytes.Buffer
	offsets := []int{}
	obj := func(s string) {
		offsets = append(offsets, buf.Len())
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", len(offsets), s)
	}
	buf.WriteString("%PDF-1.4\n")
	stream := "BT /F1 12 Tf 72 720 Td (MedEd demo evidence) Tj ET"
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>")
	obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	obj(fmt.Sprintf("<< /Title <FEFF%X> >>", utf16BE(title)))
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, len(offsets), xref)
	return buf.Bytes()
}

func utf16BE(s string) []byte {
	var out []byte
	for _, r := range s {
		if r > 0xFFFF {
			r = '?'
		}
		out = append(out, byte(r>>8), byte(r))
	}
	return out
}

// demoPNG is a small certificate-coloured square standing in for a photograph.
func demoPNG() ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for y := range 16 {
		for x := range 16 {
			img.Set(x, y, color.RGBA{200, 30 + uint8(x*8), 40, 255})
		}
	}
	var buf bytes.Buffer
	err := png.Encode(&buf, img)
	return buf.Bytes(), err
}
