package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/award"
	"github.com/meded/meded/internal/declaration"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/evaluation"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/namekey"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
)

// The CME page of the Hangzhou hospital: national projects from 15 in 1997
// to 115 in 2019, case discussion, operation teaching and surgical
// observation, and more than 21,000 health professionals trained in 2019.
// The history (1997–2019, about 4,000 projects and 45,000 attendances) is
// written in batches with one audit entry per batch; this year's projects
// go through the domain functions, lifecycle and all.
const (
	firstYear, lastYear  = 1997, 2019
	nationalFirst        = 15
	nationalLast         = 115
	extraStaff           = 3000 // "a few thousand staff" beside the ~290 of the directory
	outsideLearnersEach  = 1000 // learners from each hospital of the province and the west
	sessionsPerProject   = 2
	sessionQuarters      = 12 // 3 hours each
	notCompletedEveryNth = 29 // one enrolment in 29 misses the second session
)

// NationalProjects is the number of national projects the demo records for year.
func NationalProjects(year int) int {
	if year < firstYear || year > lastYear {
		return 0
	}
	return nationalFirst + (nationalLast-nationalFirst)*(year-firstYear)/(lastYear-firstYear)
}

// otherLevels is how many provincial, municipal and institutional projects a year holds.
func otherLevels(year int) map[string]int {
	k := year - firstYear
	return map[string]int{"provincial": 20 + 2*k, "municipal": 10 + k, "institutional": 30 + 2*k}
}

// learnersPer is the enrolment of a 2019 project per level.
var learnersPer = map[string]int{"national": 110, "provincial": 80, "municipal": 50, "institutional": 50}

// recentYears are recorded in detail for the hospital's own staff, so that
// their credit files span several years and this year's compliance varies:
// 400 regular learners share the places of every project. This year's
// projects that have not ended yet are open for enrolment instead.
var recentYears = []int{2024, 2025, 2026}

var (
	recentProjects = map[string]int{"national": 20, "provincial": 10, "municipal": 15, "institutional": 35}
	recentLearners = map[string]int{"national": 60, "provincial": 60, "municipal": 60, "institutional": 60}
)

const (
	recentSessions = 4   // 12 hours a project
	recentPool     = 400 // staff who attend CME regularly
)

// sessionsIn is how many 3-hour sessions a project of year holds.
func sessionsIn(year int) int {
	if year > lastYear {
		return recentSessions
	}
	return sessionsPerProject
}

var outsideHospitals = []struct{ handle, zh, en, region, city string }{
	{"zj-shaoxing", "绍兴市人民医院", "Shaoxing People's Hospital", "浙江", "绍兴"},
	{"zj-lishui", "丽水市中心医院", "Lishui Central Hospital", "浙江", "丽水"},
	{"zj-quzhou", "衢州市人民医院", "Quzhou People's Hospital", "浙江", "衢州"},
	{"gz-qiandongnan", "黔东南州人民医院", "Qiandongnan People's Hospital", "贵州", "凯里"},
	{"xj-aksu", "阿克苏地区第一人民医院", "Aksu First People's Hospital", "新疆", "阿克苏"},
}

var projectTopics = []struct{ zh, en, dept, discipline string }{
	{"肝移植围手术期管理", "Perioperative management in liver transplantation", "Hepatobiliary and Pancreatic Surgery", "器官移植"},
	{"胰腺外科新技术", "New techniques in pancreatic surgery", "Hepatobiliary and Pancreatic Surgery", "普通外科"},
	{"腹腔镜肝切除手术教学", "Laparoscopic hepatectomy teaching", "Hepatobiliary and Pancreatic Surgery", "普通外科"},
	{"感染性疾病诊治进展", "Advances in infectious diseases", "Infectious Diseases", "传染病学"},
	{"重症肝病与人工肝", "Severe liver disease and artificial liver support", "Infectious Diseases", "传染病学"},
	{"抗菌药物合理应用", "Rational use of antimicrobials", "Infectious Diseases", "传染病学"},
	{"心血管介入诊疗", "Interventional cardiology", "Cardiology", "心血管病学"},
	{"呼吸危重症病例讨论", "Respiratory critical care case discussions", "Respiratory Medicine", "呼吸病学"},
	{"急诊急救技能", "Emergency and resuscitation skills", "Emergency Medicine", "急诊医学"},
	{"专科护理新进展", "Advances in specialist nursing", "Nursing Department", "护理学"},
	{"检验医学质量管理", "Quality management in laboratory medicine", "Laboratory Medicine", "检验医学"},
	{"临床药学与用药安全", "Clinical pharmacy and medication safety", "Pharmacy", "药学"},
}

var demoFormats = []string{"case_discussion", "operation_teaching", "surgical_observation", "lecture", "discussion_exchange", "on_site_teaching"}

// bulk inserts rows in multi-row statements.
func (b *builder) bulk(table string, cols []string, rows [][]any) error {
	per := max(1, 6000/len(cols))
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	one := "(" + store.Marks(len(cols)) + ")"
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var sb strings.Builder
		sb.WriteString(head)
		args := make([]any, 0, len(chunk)*len(cols))
		for i, r := range chunk {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(one)
			args = append(args, r...)
		}
		if _, err := b.tx.Exec(b.ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("demo: bulk %s: %w", table, err)
		}
	}
	return audit.Record(b.ctx, b.tx, actor, audit.Change{Action: "import", Entity: table, After: map[string]int{"rows": len(rows)}})
}

func (b *builder) column(query string, args ...any) ([]int64, error) {
	rows, err := b.tx.Query(b.ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// loadCME records the Hangzhou hospital's CME projects, sessions, enrolments
// and attendance.
func (b *builder) loadCME() error {
	pool, err := b.loadLearners()
	if err != nil {
		return err
	}
	if err := b.loadHistory(pool); err != nil {
		return err
	}
	if err := b.awardClosed(); err != nil {
		return err
	}
	return b.loadCurrent()
}

// awardClosed posts the credits of every closed activity with completions,
// through the same code that posts them when an office closes one, so the
// demo's credit files come from the recorded attendance.
func (b *builder) awardClosed() error {
	ids, err := b.column(`SELECT DISTINCT e.activity_id FROM enrolments e JOIN activities a ON a.id = e.activity_id
		WHERE e.status = 'completed' AND a.status IN ('closed', 'archived') ORDER BY e.activity_id`)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := award.Activity(b.ctx, b.tx, actor, id); err != nil {
			return err
		}
	}
	return nil
}

// loadLearners adds the extra hospital staff and the outside learners, and
// returns every learner's person id.
func (b *builder) loadLearners() ([]int64, error) {
	now := store.Now()
	hosp := b.ids["zju1h"]
	var rows [][]any
	for i := range extraStaff {
		plan := staffPlan[i%(len(staffPlan)-1)]
		name := demoName(1000 + i)
		title := titlesByRank[(i*7)%len(titlesByRank)]
		rows = append(rows, []any{name, "", namekey.SortPerson(name, ""), namekey.SearchPerson(name, fmt.Sprintf("Z1%04d", i)),
			[]string{"female", "male"}[i%2], title, plan.category, hosp, b.ids["zju1h/"+plan.dept], fmt.Sprintf("Z1%04d", i),
			fmt.Sprintf("1390571%04d", i), now, now})
	}
	for h, oh := range outsideHospitals {
		inst, err := institution.Create(b.ctx, b.tx, actor, institution.Input{Kind: "outside_hospital", NameZH: oh.zh, NameEN: oh.en,
			Country: "CN", Region: oh.region, City: oh.city})
		if err != nil {
			return nil, fmt.Errorf("demo: %s: %w", oh.handle, err)
		}
		b.ids[oh.handle] = inst.ID
		for i := range outsideLearnersEach {
			name := demoName(5000 + h*outsideLearnersEach + i)
			staff := fmt.Sprintf("W%d%04d", h+1, i)
			rows = append(rows, []any{name, "", namekey.SortPerson(name, ""), namekey.SearchPerson(name, staff),
				[]string{"female", "male"}[i%2], titlesByRank[(i*5)%len(titlesByRank)], []string{"physician", "nurse", "technician", "physician"}[i%4],
				inst.ID, nil, staff, fmt.Sprintf("137%d%07d", h+1, i), now, now})
		}
	}
	cols := []string{"name_zh", "name_en", "sort_key", "search_text", "gender", "title", "category", "institution_id", "department_id",
		"staff_number", "phone", "created_at", "updated_at"}
	if err := b.bulk("people", cols, rows); err != nil {
		return nil, err
	}
	return b.column(`SELECT id FROM people WHERE institution_id = ? OR staff_number LIKE 'W%' ORDER BY id`, hosp)
}

// loadHistory writes 1997–2019: every project approved and (before 2019)
// archived; 2019's closed with sessions, enrolments and attendance.
func (b *builder) loadHistory(pool []int64) error {
	directors := map[string][]int64{}
	for _, t := range projectTopics {
		if _, ok := directors[t.dept]; ok {
			continue
		}
		ids, err := b.column(`SELECT id FROM people WHERE department_id = ? AND title IN ('associate_senior', 'senior') ORDER BY id`, b.ids["zju1h/"+t.dept])
		if err != nil {
			return err
		}
		directors[t.dept] = ids
	}
	if id := b.ids["staff/Hepatobiliary and Pancreatic Surgery"]; id != 0 {
		directors["Hepatobiliary and Pancreatic Surgery"] = append([]int64{id}, directors["Hepatobiliary and Pancreatic Surgery"]...)
	}
	now := store.Now()
	var rows [][]any
	n := 0
	years := []int{}
	for year := firstYear; year <= lastYear; year++ {
		years = append(years, year)
	}
	today := time.Now().In(activity.Zone).Format(time.DateOnly)
	for _, year := range append(years, recentYears...) {
		counts := otherLevels(year)
		counts["national"] = NationalProjects(year)
		if year > lastYear {
			counts = recentProjects
		}
		for _, level := range []string{"national", "provincial", "municipal", "institutional"} {
			for i := range counts[level] {
				n++
				var t = projectTopics[(i+year)%len(projectTopics)]
				if level == "national" {
					t = projectTopics[i%6] // the national bases: hepatobiliary surgery and infectious diseases
				}
				var code, body, doc string
				switch level {
				case "national":
					code, body, doc = fmt.Sprintf("%d-%02d-%02d-%03d", year, 4+i%2, 1+i%9, i+1), "全国继续医学教育委员会", fmt.Sprintf("全继委发〔%d〕%d号", year-1, 1+i%3)
				case "provincial":
					code, body, doc = fmt.Sprintf("%d-%02d-%02d-%03d", year, 10+i%2, 1+i%9, 500+i), "浙江省继续医学教育委员会", fmt.Sprintf("浙继委〔%d〕%d号", year-1, 2)
				case "municipal":
					code = fmt.Sprintf("HZ-%d-%03d", year, i+1)
				default:
					code = fmt.Sprintf("ZJU1H-%d-%03d", year, i+1)
				}
				ds := directors[t.dept]
				director := ds[(i*3+year)%len(ds)]
				month := 3 + (i*7)%9
				start := fmt.Sprintf("%d-%02d-%02d", year, month, 5+i%20)
				end := fmt.Sprintf("%d-%02d-%02d", year, month, 5+i%20+max(2, sessionsIn(year)-1))
				status := "archived"
				switch {
				case year == lastYear || year > lastYear && end < today:
					status = "closed"
				case year > lastYear:
					status = "approved"
				}
				credits, quarters := map[string]int{"national": 1000, "provincial": 500}[level], sessionsIn(year)*sessionQuarters
				titleZH := fmt.Sprintf("%s（%d）", t.zh, year)
				titleEN := fmt.Sprintf("%s (%d)", t.en, year)
				rows = append(rows, []any{"cme_project", level, status, code, year, titleZH, titleEN, namekey.Sort(titleZH, titleEN),
					namekey.Search(titleZH, titleEN, code, t.discipline), b.ids["zju1h"], b.ids["zju1h/"+t.dept], director, t.discipline,
					"全省及全国相关专业医务人员", quarters, max(credits, 200), false, start, end, 0, start, 80, level == "national", false,
					body, doc, credits, map[bool]int{true: quarters}[credits > 0], now, now})
			}
		}
	}
	cols := []string{"kind", "level", "status", "code", "year", "title_zh", "title_en", "sort_key", "search_text", "institution_id",
		"department_id", "director_id", "discipline", "audience", "planned_quarters", "credits_hundredths", "remote", "start_date",
		"end_date", "capacity", "enrol_deadline", "min_attendance_pct", "assessment_required", "evaluation_required", "approving_body",
		"document_number", "approved_hundredths", "approved_quarters", "created_at", "updated_at"}
	if err := b.bulk("activities", cols, rows); err != nil {
		return err
	}
	var hist [][]any
	ids, err := b.column(`SELECT id FROM activities ORDER BY id`)
	if err != nil {
		return err
	}
	for _, id := range ids {
		hist = append(hist, []any{id, "", "approved", "demo history", actor.Label, now})
	}
	if err := b.bulk("activity_status_history", []string{"activity_id", "from_status", "to_status", "note", "actor", "at"}, hist); err != nil {
		return err
	}
	if err := b.loadDetailed(lastYear, pool, learnersPer); err != nil {
		return err
	}
	staff, err := b.column(`SELECT id FROM people WHERE institution_id = ? ORDER BY id LIMIT ?`, b.ids["zju1h"], recentPool)
	if err != nil {
		return err
	}
	for _, year := range recentYears {
		if err := b.loadDetailed(year, staff, recentLearners); err != nil {
			return err
		}
	}
	return nil
}

// loadDetailed gives the closed projects of year sessions, lecturers with
// declarations, enrolments, attendance and assessments: every enrolled
// learner attends every session except one in 29, who misses the last and
// does not complete.
func (b *builder) loadDetailed(year int, pool []int64, learners map[string]int) error {
	type proj struct {
		id, director int64
		level        string
		start        string
	}
	rows, err := b.tx.Query(b.ctx, `SELECT id, director_id, level, start_date FROM activities WHERE year = ? AND status = 'closed' ORDER BY id`, year)
	if err != nil {
		return err
	}
	var projects []proj
	for rows.Next() {
		var p proj
		if err := rows.Scan(&p.id, &p.director, &p.level, &p.start); err != nil {
			rows.Close()
			return err
		}
		p.start = p.start[:10]
		projects = append(projects, p)
	}
	rows.Close()
	now := store.Now()
	var sessRows [][]any
	for i, p := range projects {
		day, _ := time.ParseInLocation(time.DateOnly, p.start, activity.Zone)
		for k := range sessionsIn(year) {
			st := day.Add(time.Duration(24*k+8) * time.Hour).UTC()
			sessRows = append(sessRows, []any{p.id, st, st.Add(3 * time.Hour), "浙一医院学术报告厅", "", demoFormats[(i+k)%len(demoFormats)],
				sessionQuarters, "", false, now, now})
		}
	}
	if err := b.bulk("cme_sessions", []string{"activity_id", "starts_at", "ends_at", "venue", "online_url", "format", "quarters", "topic",
		"cancelled", "created_at", "updated_at"}, sessRows); err != nil {
		return err
	}
	sessIDs, err := b.column(`SELECT s.id FROM cme_sessions s JOIN activities a ON a.id = s.activity_id
		WHERE a.year = ? AND a.status = 'closed' ORDER BY s.activity_id, s.starts_at, s.id`, year)
	if err != nil {
		return err
	}
	var lect, decl, enr, att, ass [][]any
	declared := map[int64]bool{}
	n := sessionsIn(year)
	for i, p := range projects {
		sessions := sessIDs[n*i : n*i+n]
		for _, sid := range sessions {
			lect = append(lect, []any{sid, p.director, "", "", fmt.Sprintf("person:%d", p.director)})
		}
		if !declared[p.director] {
			declared[p.director] = true
			decl = append(decl, []any{fmt.Sprintf("person:%d", p.director), p.director, "", "无", true, fmt.Sprintf("%d-01-10", year), now})
		}
		size := learners[p.level]
		offset := (i * 97) % len(pool)
		for j := range min(size, len(pool)) {
			pid := pool[(offset+j)%len(pool)]
			if pid == p.director {
				continue
			}
			status := "completed"
			if (i*size+j)%notCompletedEveryNth == 0 {
				status = "not_completed"
			}
			enr = append(enr, []any{p.id, pid, "participant", status, now, now})
			attended := sessions
			if status != "completed" {
				attended = sessions[:n-1] // misses the last session
			}
			for _, sid := range attended {
				att = append(att, []any{sid, pid, "import", now})
			}
			if p.level == "national" {
				ass = append(ass, []any{p.id, pid, true, 60 + (i+j)%41, now})
			}
		}
	}
	steps := []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"cme_session_lecturers", []string{"session_id", "person_id", "guest_name", "guest_institution", "lecturer_key"}, lect},
		{"cme_declarations", []string{"lecturer_key", "person_id", "guest_name", "conflicts", "consent", "signed_on", "created_at"}, decl},
		{"enrolments", []string{"activity_id", "person_id", "role", "status", "created_at", "updated_at"}, enr},
		{"attendance", []string{"session_id", "person_id", "method", "recorded_at"}, att},
		{"assessments", []string{"activity_id", "person_id", "passed", "score", "recorded_at"}, ass},
	}
	for _, s := range steps {
		if err := b.bulk(s.table, s.cols, s.rows); err != nil {
			return err
		}
	}
	return nil
}

// loadCurrent records this year's work through the domain functions: the
// evaluation form, an open project to enrol in, a running one, a submitted
// application blocked by a missing declaration, and a draft.
func (b *builder) loadCurrent() error {
	ctx, tx := b.ctx, b.tx
	hosp := b.ids["zju1h"]
	for _, q := range []evaluation.Question{
		{Kind: "rating", TextZH: "教学内容对临床工作有帮助", TextEN: "The content helps my clinical work"},
		{Kind: "rating", TextZH: "授课教师准备充分", TextEN: "The lecturers were well prepared"},
		{Kind: "text", TextZH: "意见和建议", TextEN: "Comments and suggestions"},
	} {
		q.InstitutionID = hosp
		if _, err := evaluation.AddQuestion(ctx, tx, actor, q); err != nil {
			return err
		}
	}
	director := b.ids["staff/Hepatobiliary and Pancreatic Surgery"]
	lecturer := b.ids["staff/Cardiology"]
	today := time.Now().In(activity.Zone)
	day := func(d int) string { return today.AddDate(0, 0, d).Format(time.DateOnly) }
	if _, err := declaration.Record(ctx, tx, actor, declaration.Input{Lecturer: session.Lecturer{PersonID: director}, Consent: true,
		Conflicts: "无", SignedOn: day(-30)}); err != nil {
		return err
	}
	mk := func(level, zh, en string, from, to int, steps ...string) (activity.Activity, error) {
		a, err := activity.Create(ctx, tx, actor, activity.Input{Level: level, TitleZH: zh, TitleEN: en, InstitutionID: hosp,
			DepartmentID: b.ids["zju1h/Hepatobiliary and Pancreatic Surgery"], DirectorID: director, Discipline: "器官移植",
			Audience: "肝胆外科及移植相关医护人员", PlannedHours: "6", Credits: "2", StartDate: day(from), EndDate: day(to),
			Capacity: 60, EnrolDeadline: day(from), MinAttendancePct: 80, EvaluationRequired: true})
		if err != nil {
			return a, err
		}
		for k := range 2 {
			if _, err := session.Create(ctx, tx, actor, a.ID, session.Input{StartsAt: day(from+k) + "T08:30", EndsAt: day(from+k) + "T11:30",
				Venue: "浙一医院余杭院区学术报告厅", Format: []string{"case_discussion", "surgical_observation"}[k], Hours: "3",
				Lecturers: []session.Lecturer{{PersonID: director}}}); err != nil {
				return a, err
			}
		}
		for _, step := range steps {
			if step == "approve" {
				a, err = activity.Approve(ctx, tx, actor, a.ID, activity.Approval{Code: fmt.Sprintf("ZJU1H-%s-%03d", day(from)[:4], 900+from%100)})
			} else {
				a, err = activity.Transition(ctx, tx, actor, a.ID, step, "")
			}
			if err != nil {
				return a, err
			}
		}
		return a, nil
	}
	open, err := mk("institutional", "肝移植术后管理病例讨论班", "Case discussions in post-transplant care", 14, 15, "submit", "approve")
	if err != nil {
		return fmt.Errorf("demo: open project: %w", err)
	}
	staff, err := b.column(`SELECT id FROM people WHERE department_id = ? ORDER BY id LIMIT 12`, b.ids["zju1h/Emergency Medicine"])
	if err != nil {
		return err
	}
	for _, pid := range staff[1:] { // the demo learner (the first) enrols themself
		if _, err := enrolment.SelfEnrol(ctx, tx, actor, open.ID, pid); err != nil {
			return err
		}
	}
	if _, err := mk("institutional", "腹腔镜肝切除手术观摩", "Laparoscopic hepatectomy: surgical observation", 0, 1, "submit", "approve", "start"); err != nil {
		return fmt.Errorf("demo: running project: %w", err)
	}
	sub, err := mk("national", "肝胆胰外科新进展学习班", "Advances in hepatobiliary and pancreatic surgery", 60, 62, "submit")
	if err != nil {
		return fmt.Errorf("demo: submitted project: %w", err)
	}
	if _, err := session.Create(ctx, tx, actor, sub.ID, session.Input{StartsAt: day(62) + "T14:00", EndsAt: day(62) + "T17:00",
		Venue: "浙一医院学术报告厅", Format: "lecture", Hours: "3", Lecturers: []session.Lecturer{{PersonID: lecturer},
			{GuestName: "陈教授", GuestInstitution: "四川大学华西医院"}}}); err != nil {
		return err
	}
	if _, err := mk("provincial", "感染病诊治新进展", "Advances in infectious diseases", 90, 91); err != nil {
		return fmt.Errorf("demo: draft: %w", err)
	}
	return nil
}
