package expr

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // zones work on machines without a zoneinfo database
)

// DateTime is a Luxon DateTime as a Go value: an instant and the zone it is
// shown in. Expressions that return $now, DateTime.fromISO(...) and the like
// give a DateTime. Its JSON form is Luxon's toISO() string, as
// JSON.stringify gives; an invalid DateTime is null.
//
// n8n's Luxon needs Intl for time zones, which goja lacks, so noderun
// implements the DateTime API in Go over time.Time (with the zone database
// embedded) and exposes it to expressions.
type DateTime struct {
	t     time.Time
	zone  string // Luxon zone name: an IANA name, "UTC" or "UTC+5:30"
	valid bool
}

// NewDateTime returns the DateTime of t shown in t's location. A location
// without an IANA name (time.Local, time.FixedZone) becomes a fixed offset.
func NewDateTime(t time.Time) DateTime {
	name := t.Location().String()
	if _, err := time.LoadLocation(name); err != nil || name == "Local" || name == "" {
		_, off := t.Zone()
		name = fixedName(off)
	}
	return DateTime{t: t, zone: name, valid: true}
}

// Time returns the instant, in the DateTime's zone.
func (d DateTime) Time() time.Time { return d.t }

// Zone returns Luxon's name of the zone ("America/New_York", "UTC", "UTC+5:30").
func (d DateTime) Zone() string { return d.zone }

// Valid reports whether the DateTime is valid.
func (d DateTime) Valid() bool { return d.valid }

// String returns Luxon's toISO(), or "Invalid DateTime".
func (d DateTime) String() string {
	if !d.valid {
		return "Invalid DateTime"
	}
	return formatLuxon(d.t, d.zone, "yyyy-MM-dd'T'HH:mm:ss.SSS") + isoOffset(d.t, d.zone)
}

// MarshalJSON gives toISO() as a JSON string, or null when invalid.
func (d DateTime) MarshalJSON() ([]byte, error) {
	if !d.valid {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// JSDate is a JavaScript Date returned by an expression. Its JSON form is
// Date.prototype.toJSON's: ISO 8601 in UTC with milliseconds, or null.
type JSDate struct {
	T     time.Time
	Valid bool
}

// MarshalJSON implements json.Marshaler.
func (d JSDate) MarshalJSON() ([]byte, error) {
	if !d.Valid {
		return []byte("null"), nil
	}
	return json.Marshal(d.T.UTC().Format("2006-01-02T15:04:05.000Z"))
}

// Duration is a Luxon Duration returned by an expression; Values holds its
// units (years, months, days, hours ...). Its JSON form is toISO().
type Duration struct {
	Values map[string]float64
	ISO    string
}

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.ISO) }

// zones resolves Luxon zone names to locations, caching them.
type zones struct {
	def  string
	now  func() time.Time
	mu   sync.RWMutex
	locs map[string]*time.Location
}

func newZones(def *time.Location, now func() time.Time) *zones {
	z := &zones{locs: map[string]*time.Location{}, now: now}
	if def == nil {
		// n8n's default workflow time zone. Its location is loaded when a
		// date is first used, not at start-up.
		z.def = "America/New_York"
		return z
	}
	z.def = def.String()
	if z.def == "Local" {
		z.def = time.Local.String()
	}
	if z.def == "UTC" || z.def == "" {
		z.def = "UTC"
	}
	z.locs[z.def] = def
	return z
}

var fixedZone = lazyRegexp(`^(?i:utc|gmt)(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$`)

// normalize returns Luxon's name for a zone argument, or "" if invalid.
func (z *zones) normalize(name string) string {
	if name == "" {
		return ""
	}
	switch strings.ToLower(name) {
	case "local", "system", "default":
		return z.def
	case "z", "utc", "gmt", "etc/utc", "etc/gmt":
		return "UTC"
	}
	if m := fixedZone().FindStringSubmatch(name); m != nil {
		h, _ := strconv.Atoi(m[2])
		mins, _ := strconv.Atoi(m[3])
		if m[1] == "" || h == 0 && mins == 0 {
			return "UTC"
		}
		if mins == 0 {
			return "UTC" + m[1] + strconv.Itoa(h)
		}
		return fmt.Sprintf("UTC%s%d:%02d", m[1], h, mins)
	}
	if _, ok := z.loc(name); ok {
		return name
	}
	return ""
}

func (z *zones) loc(name string) (*time.Location, bool) {
	z.mu.RLock()
	l, ok := z.locs[name]
	z.mu.RUnlock()
	if ok {
		return l, true
	}
	if name == "UTC" {
		l = time.UTC
	} else if m := fixedZone().FindStringSubmatch(name); m != nil {
		h, _ := strconv.Atoi(m[2])
		mins, _ := strconv.Atoi(m[3])
		off := h*3600 + mins*60
		if m[1] == "-" {
			off = -off
		}
		l = time.FixedZone(name, off)
	} else {
		var err error
		if strings.EqualFold(name, "local") || name == "" {
			return nil, false
		}
		l, err = time.LoadLocation(name)
		if err != nil {
			return nil, false
		}
	}
	z.mu.Lock()
	z.locs[name] = l
	z.mu.Unlock()
	return l, true
}

func isFixedZone(name string) bool { return name == "UTC" || strings.HasPrefix(name, "UTC") }

func (z *zones) at(ms float64, zone string) time.Time {
	l, ok := z.loc(zone)
	if !ok {
		l = time.UTC
	}
	return time.UnixMilli(int64(math.Floor(ms))).In(l)
}

// fromWall converts a wall-clock time in zone to epoch milliseconds the way
// Luxon does: guess the offset, then correct it once (a time in a DST gap
// moves forward, an ambiguous time takes the earlier offset).
func (z *zones) fromWall(y, mo, d, h, mi, s, ms int, zone string, guess float64) float64 {
	local := time.Date(y, time.Month(mo), d, h, mi, s, ms*1e6, time.UTC).UnixMilli()
	l, ok := z.loc(zone)
	if !ok {
		return math.NaN()
	}
	offsetAt := func(t int64) int64 {
		_, off := time.UnixMilli(t).In(l).Zone()
		return int64(off) * 1000
	}
	var o int64
	if !math.IsNaN(guess) {
		o = offsetAt(int64(guess))
	} else {
		o = offsetAt(local)
	}
	utc := local - o
	o2 := offsetAt(utc)
	if o == o2 {
		return float64(utc)
	}
	utc2 := local - o2
	o3 := offsetAt(utc2)
	if o2 == o3 {
		return float64(utc2)
	}
	return float64(local - min(o2, o3))
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func isoOffset(t time.Time, zone string) string {
	_, off := t.Zone()
	if off == 0 && isFixedZone(zone) {
		return "Z"
	}
	return offsetString(off, true, false)
}

func offsetString(off int, colon, narrow bool) string {
	sign := "+"
	if off < 0 {
		sign = "-"
		off = -off
	}
	h, m := off/3600, off%3600/60
	if narrow {
		if m == 0 {
			return sign + strconv.Itoa(h)
		}
		return fmt.Sprintf("%s%d:%02d", sign, h, m)
	}
	if colon {
		return fmt.Sprintf("%s%02d:%02d", sign, h, m)
	}
	return fmt.Sprintf("%s%02d%02d", sign, h, m)
}

// luxonTokens splits a Luxon format string into tokens: runs of one letter,
// and 'quoted' literals (marked by a leading quote).
func luxonTokens(f string) []string {
	var out []string
	var cur strings.Builder
	inQuote := false
	var last rune = -1
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, c := range f {
		if c == '\'' {
			if inQuote {
				flush()
				inQuote = false
			} else {
				flush()
				inQuote = true
				cur.WriteByte('\'')
			}
			last = -1
			continue
		}
		if inQuote {
			cur.WriteRune(c)
			continue
		}
		if c != last {
			flush()
		}
		cur.WriteRune(c)
		last = c
	}
	flush()
	return out
}

var weekdayNames = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
var monthNames = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

func pad(n, width int) string {
	s := strconv.Itoa(abs(n))
	for len(s) < width {
		s = "0" + s
	}
	if n < 0 {
		return "-" + s
	}
	return s
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// formatLuxon renders t (already in its zone) with a Luxon format string,
// in the en-US locale.
func formatLuxon(t time.Time, zone, f string) string {
	var b strings.Builder
	for _, tok := range luxonTokens(f) {
		if tok[0] == '\'' {
			b.WriteString(tok[1:])
			continue
		}
		b.WriteString(formatToken(t, zone, tok))
	}
	return b.String()
}

func weekdayISO(t time.Time) int {
	w := int(t.Weekday())
	if w == 0 {
		return 7
	}
	return w
}

func formatToken(t time.Time, zone, tok string) string {
	ms := t.Nanosecond() / 1e6
	h12 := t.Hour() % 12
	if h12 == 0 {
		h12 = 12
	}
	_, off := t.Zone()
	wy, wn := t.ISOWeek()
	ampm := "AM"
	if t.Hour() >= 12 {
		ampm = "PM"
	}
	wd := weekdayNames[weekdayISO(t)-1]
	mn := monthNames[t.Month()-1]
	switch tok {
	case "S":
		return strconv.Itoa(ms)
	case "SSS", "u":
		return pad(ms, 3)
	case "uu":
		return pad(ms/10, 2)
	case "uuu":
		return strconv.Itoa(ms / 100)
	case "s":
		return strconv.Itoa(t.Second())
	case "ss":
		return pad(t.Second(), 2)
	case "m":
		return strconv.Itoa(t.Minute())
	case "mm":
		return pad(t.Minute(), 2)
	case "h":
		return strconv.Itoa(h12)
	case "hh":
		return pad(h12, 2)
	case "H":
		return strconv.Itoa(t.Hour())
	case "HH":
		return pad(t.Hour(), 2)
	case "Z":
		return offsetString(off, true, true)
	case "ZZ":
		return offsetString(off, true, false)
	case "ZZZ":
		return offsetString(off, false, false)
	case "ZZZZ", "ZZZZZ":
		name, _ := t.Zone()
		if isFixedZone(zone) {
			return zone
		}
		return name
	case "z":
		return zone
	case "a":
		return ampm
	case "d":
		return strconv.Itoa(t.Day())
	case "dd":
		return pad(t.Day(), 2)
	case "c", "E":
		return strconv.Itoa(weekdayISO(t))
	case "ccc", "EEE":
		return wd[:3]
	case "cccc", "EEEE":
		return wd
	case "ccccc", "EEEEE":
		return wd[:1]
	case "L", "M":
		return strconv.Itoa(int(t.Month()))
	case "LL", "MM":
		return pad(int(t.Month()), 2)
	case "LLL", "MMM":
		return mn[:3]
	case "LLLL", "MMMM":
		return mn
	case "LLLLL", "MMMMM":
		return mn[:1]
	case "y":
		return strconv.Itoa(t.Year())
	case "yy":
		return pad(abs(t.Year())%100, 2)
	case "yyyy":
		return pad(t.Year(), 4)
	case "yyyyyy":
		return pad(t.Year(), 6)
	case "G":
		return "AD"
	case "GG":
		return "Anno Domini"
	case "GGGGG":
		return "A"
	case "kk":
		return pad(wy%100, 2)
	case "kkkk":
		return pad(wy, 4)
	case "W":
		return strconv.Itoa(wn)
	case "WW":
		return pad(wn, 2)
	case "o":
		return strconv.Itoa(t.YearDay())
	case "ooo":
		return pad(t.YearDay(), 3)
	case "q":
		return strconv.Itoa((int(t.Month())-1)/3 + 1)
	case "qq":
		return pad((int(t.Month())-1)/3+1, 2)
	case "X":
		return strconv.FormatInt(int64(math.Floor(float64(t.UnixMilli())/1000)), 10)
	case "x":
		return strconv.FormatInt(t.UnixMilli(), 10)
	case "D":
		return formatLuxon(t, zone, "M/d/yyyy")
	case "DD":
		return formatLuxon(t, zone, "LLL d, yyyy")
	case "DDD":
		return formatLuxon(t, zone, "LLLL d, yyyy")
	case "DDDD":
		return formatLuxon(t, zone, "cccc, LLLL d, yyyy")
	case "t":
		return formatLuxon(t, zone, "h:mm\u202fa")
	case "tt":
		return formatLuxon(t, zone, "h:mm:ss\u202fa")
	case "ttt", "tttt":
		return formatLuxon(t, zone, "h:mm:ss\u202fa ZZZZ")
	case "T":
		return formatLuxon(t, zone, "HH:mm")
	case "TT":
		return formatLuxon(t, zone, "HH:mm:ss")
	case "f":
		return formatLuxon(t, zone, "M/d/yyyy, h:mm\u202fa")
	case "ff":
		return formatLuxon(t, zone, "LLL d, yyyy, h:mm\u202fa")
	case "F":
		return formatLuxon(t, zone, "M/d/yyyy, h:mm:ss\u202fa")
	case "FF":
		return formatLuxon(t, zone, "LLL d, yyyy, h:mm:ss\u202fa")
	}
	return tok
}

// parseResult is a parsed instant and the zone it should be shown in.
type parseResult struct {
	ms   float64
	zone string
}

var isoPattern = lazyRegexp(`^([+-]\d{6}|\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,30}))?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$`)
var sqlPattern = lazyRegexp(`^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(?: ?(Z|[+-]\d{2}(?::?\d{2})?|[A-Za-z_]+(?:/[A-Za-z_+-]+)+|UTC))?$`)

// wallParts holds a parsed wall-clock time and an optional explicit offset.
type wallParts struct {
	y, mo, d, h, mi, s, ms int
	hasOffset              bool
	offset                 int // seconds
	zoneName               string
}

func atoiOr(s string, def int) int {
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return def
	}
	return n
}

func fraction(s string) int {
	if s == "" {
		return 0
	}
	for len(s) < 3 {
		s += "0"
	}
	n, _ := strconv.Atoi(s[:3])
	return n
}

func parseOffset(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	if s == "Z" {
		return 0, true
	}
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	s = strings.ReplaceAll(s[1:], ":", "")
	h := atoiOr(s[:2], 0)
	m := 0
	if len(s) >= 4 {
		m = atoiOr(s[2:4], 0)
	}
	return sign * (h*3600 + m*60), true
}

func (w wallParts) valid() bool {
	return w.mo >= 1 && w.mo <= 12 && w.d >= 1 && w.d <= daysIn(w.y, w.mo) &&
		w.h >= 0 && (w.h <= 23 || w.h == 24 && w.mi == 0 && w.s == 0 && w.ms == 0) && w.mi >= 0 && w.mi <= 59 && w.s >= 0 && w.s <= 59
}

// resolve turns wall parts into an instant: with an explicit offset, that
// offset decides the instant and (with setZone) the zone; otherwise the wall
// time is read in zone.
func (z *zones) resolve(w wallParts, zone string, setZone bool) *parseResult {
	if !w.valid() {
		return nil
	}
	if w.zoneName != "" {
		n := z.normalize(w.zoneName)
		if n == "" {
			return nil
		}
		ms := z.fromWall(w.y, w.mo, w.d, w.h, w.mi, w.s, w.ms, n, math.NaN())
		if setZone {
			zone = n
		}
		return &parseResult{ms, zone}
	}
	if w.hasOffset {
		local := time.Date(w.y, time.Month(w.mo), w.d, w.h, w.mi, w.s, w.ms*1e6, time.UTC).UnixMilli()
		ms := float64(local - int64(w.offset)*1000)
		if setZone {
			zone = z.normalize(fixedName(w.offset))
		}
		return &parseResult{ms, zone}
	}
	return &parseResult{z.fromWall(w.y, w.mo, w.d, w.h, w.mi, w.s, w.ms, zone, math.NaN()), zone}
}

func fixedName(off int) string {
	if off == 0 {
		return "UTC"
	}
	return "UTC" + offsetString(off, true, true)
}

func (z *zones) parseISO(s, zone string, setZone bool) *parseResult {
	m := isoPattern().FindStringSubmatch(s)
	if m == nil {
		return nil
	}
	w := wallParts{y: atoiOr(m[1], 0), mo: atoiOr(m[2], 1), d: atoiOr(m[3], 1), h: atoiOr(m[4], 0), mi: atoiOr(m[5], 0), s: atoiOr(m[6], 0), ms: fraction(m[7])}
	if m[4] == "" && m[8] != "" {
		return nil
	}
	w.offset, w.hasOffset = parseOffset(m[8])
	return z.resolve(w, zone, setZone)
}

func (z *zones) parseSQL(s, zone string, setZone bool) *parseResult {
	m := sqlPattern().FindStringSubmatch(s)
	if m == nil {
		return nil
	}
	w := wallParts{y: atoiOr(m[1], 0), mo: atoiOr(m[2], 1), d: atoiOr(m[3], 1), h: atoiOr(m[4], 0), mi: atoiOr(m[5], 0), s: atoiOr(m[6], 0), ms: fraction(m[7])}
	if tz := m[8]; tz != "" && (tz == "Z" || tz[0] == '+' || tz[0] == '-') {
		w.offset, w.hasOffset = parseOffset(tz)
	} else if tz != "" {
		w.zoneName = tz
	}
	return z.resolve(w, zone, setZone)
}

func (z *zones) parseLayouts(s, zone string, setZone bool, layouts []string) *parseResult {
	for _, l := range layouts {
		t, err := time.Parse(l, s)
		if err != nil {
			continue
		}
		_, off := t.Zone()
		w := wallParts{y: t.Year(), mo: int(t.Month()), d: t.Day(), h: t.Hour(), mi: t.Minute(), s: t.Second(), hasOffset: true, offset: off}
		return z.resolve(w, zone, setZone)
	}
	return nil
}

func (z *zones) parseHTTP(s, zone string, setZone bool) *parseResult {
	return z.parseLayouts(s, zone, setZone, []string{time.RFC1123, time.RFC850, "Mon Jan _2 15:04:05 2006"})
}

func (z *zones) parseRFC2822(s, zone string, setZone bool) *parseResult {
	return z.parseLayouts(s, zone, setZone, []string{time.RFC1123Z, "2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04 -0700", time.RFC1123, "Mon, 2 Jan 2006 15:04:05 MST"})
}

// looseLayouts are non-ISO date texts that JavaScript's Date.parse reads;
// noderun reads them in UTC (n8n reads them in the server's time zone).
var looseLayouts = []string{
	"January 2, 2006", "Jan 2, 2006", "January 2 2006", "Jan 2 2006", "2 January 2006", "2 Jan 2006",
	"January 2, 2006 15:04:05", "Jan 2, 2006 15:04:05", "January 2, 2006 15:04", "Jan 2, 2006 15:04",
	"2006/01/02", "2006/1/2", "01/02/2006", "1/2/2006", "2006/01/02 15:04:05", "01/02/2006 15:04:05",
	"Mon Jan 02 2006", "Mon Jan 02 2006 15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04",
	// V8's legacy forms: "1-Feb-2024", and Date.prototype.toString()'s
	// output once its "(Zone Name)" comment is dropped.
	"2-Jan-2006", "2-January-2006", "2-Jan-2006 15:04:05", "Mon Jan 02 2006 15:04:05 GMT-0700",
	"Mon Jan 02 2006 15:04:05 GMT", "Jan 02 2006 15:04:05 GMT-0700",
}

// parseLoose reads the texts JavaScript's Date.parse accepts beyond ISO.
func parseLoose(s string) (float64, bool) {
	if i := strings.LastIndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") {
		s = strings.TrimSpace(s[:i]) // a comment, as Date.parse ignores it
	}
	for _, l := range looseLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return float64(t.UnixMilli()), true
		}
	}
	return 0, false
}

// parseDate is JavaScript's Date.parse: ISO forms (a date alone is UTC, a
// date-time without offset is local time, which noderun takes as UTC), the
// HTTP and RFC 2822 forms, and the loose forms.
func (z *zones) parseDate(s string) float64 {
	s = strings.TrimSpace(s)
	if m := isoPattern().FindStringSubmatch(s); m != nil {
		if r := z.parseISO(s, "UTC", false); r != nil {
			return r.ms
		}
		return math.NaN()
	}
	if r := z.parseHTTP(s, "UTC", false); r != nil {
		return r.ms
	}
	if r := z.parseRFC2822(s, "UTC", false); r != nil {
		return r.ms
	}
	if ms, ok := parseLoose(s); ok {
		return ms
	}
	return math.NaN()
}

// parseFormat implements DateTime.fromFormat for the common Luxon tokens.
func (z *zones) parseFormat(s, f, zone string, setZone bool) *parseResult {
	var re strings.Builder
	re.WriteString("(?i)^")
	var fields []string
	for _, tok := range luxonTokens(f) {
		if tok[0] == '\'' {
			re.WriteString(regexp.QuoteMeta(tok[1:]))
			continue
		}
		pat := ""
		switch tok {
		case "yyyy":
			pat = `(\d{4})`
		case "yy":
			pat = `(\d{2})`
		case "y", "yyyyyy":
			pat = `(\d{1,6})`
		case "M", "L", "d", "H", "h", "m", "s", "W", "q":
			pat = `(\d{1,2})`
		case "MM", "LL", "dd", "HH", "hh", "mm", "ss", "WW":
			pat = `(\d{2})`
		case "MMM", "LLL":
			pat = `(` + shortNames(monthNames) + `)`
		case "MMMM", "LLLL":
			pat = `(` + strings.Join(monthNames, "|") + `)`
		case "EEE", "ccc":
			pat = `(` + shortNames(weekdayNames) + `)`
		case "EEEE", "cccc":
			pat = `(` + strings.Join(weekdayNames, "|") + `)`
		case "S":
			pat = `(\d{1,3})`
		case "SSS", "u":
			pat = `(\d{3})`
		case "a":
			pat = `(AM|PM)`
		case "Z", "ZZ", "ZZZ":
			pat = `(Z|[+-]\d{1,2}(?::?\d{2})?)`
		case "z":
			pat = `([A-Za-z_]+(?:/[A-Za-z_+-]+)*)`
		case "X":
			pat = `(-?\d+(?:\.\d+)?)`
		case "x":
			pat = `(-?\d+)`
		case "o", "ooo":
			pat = `(\d{1,3})`
		default:
			if isLetters(tok) {
				return nil // an unsupported token: Luxon would not parse either
			}
			re.WriteString(regexp.QuoteMeta(tok))
			continue
		}
		re.WriteString(pat)
		fields = append(fields, tok)
	}
	re.WriteString("$")
	rx, err := regexp.Compile(re.String())
	if err != nil {
		return nil
	}
	m := rx.FindStringSubmatch(s)
	if m == nil {
		return nil
	}
	w := wallParts{y: -1, mo: 1, d: 1}
	pm, hasAMPM, h12 := false, false, false
	var epoch *float64
	for i, tok := range fields {
		v := m[i+1]
		n := atoiOr(v, 0)
		switch tok {
		case "yyyy", "y", "yyyyyy":
			w.y = n
		case "yy":
			w.y = 2000 + n
			if n > 60 {
				w.y = 1900 + n
			}
		case "M", "MM", "L", "LL":
			w.mo = n
		case "MMM", "LLL", "MMMM", "LLLL":
			for j, name := range monthNames {
				if strings.EqualFold(name, v) || strings.EqualFold(name[:3], v) {
					w.mo = j + 1
				}
			}
		case "d", "dd":
			w.d = n
		case "H", "HH":
			w.h = n
		case "h", "hh":
			w.h, h12 = n, true
		case "m", "mm":
			w.mi = n
		case "s", "ss":
			w.s = n
		case "S", "SSS", "u":
			w.ms = fraction(v)
			if tok == "S" {
				w.ms = n
			}
		case "a":
			hasAMPM, pm = true, strings.EqualFold(v, "PM")
		case "Z", "ZZ", "ZZZ":
			if v == "Z" {
				w.hasOffset = true
			} else {
				sign, digits := v[:1], strings.ReplaceAll(v[1:], ":", "")
				if len(digits) <= 2 {
					digits = pad(atoiOr(digits, 0), 2) + "00"
				} else if len(digits) == 3 {
					digits = "0" + digits
				}
				w.offset, w.hasOffset = parseOffset(sign + digits)
			}
		case "z":
			w.zoneName = v
		case "X", "x":
			f, _ := strconv.ParseFloat(v, 64)
			if tok == "X" {
				f *= 1000
			}
			epoch = &f
		}
	}
	if epoch != nil {
		return &parseResult{*epoch, zone}
	}
	if hasAMPM || h12 {
		if w.h == 12 {
			w.h = 0
		}
		if pm {
			w.h += 12
		}
	}
	if w.y == -1 {
		w.y = z.now().Year()
	}
	return z.resolve(w, zone, setZone)
}

func shortNames(names []string) string {
	s := make([]string, len(names))
	for i, n := range names {
		s[i] = n[:3]
	}
	return strings.Join(s, "|")
}

func isLetters(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
