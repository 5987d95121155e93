// Command oracle writes ../ops.golden.json: random RE2 patterns (groups, named and duplicate-named
// groups, flags, empty-matching repeats, anchors, Unicode, some invalid) over random short inputs,
// with Go's answers for MatchString, FindString, FindAllString(s, n), Split(s, n), ReplaceAllString,
// ReplaceAllLiteralString, QuoteMeta and the compile error. regexp.test.ts replays every case.
//
//	cd operator/golang/regexp/testdata/oracle && go run . [count] [seed]
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"strconv"
)

var (
	atoms = []string{`a`, `b`, `.`, `[ab]`, `[^a]`, `\w`, `\s`, `\b`, `\B`, `^`, `$`, `\A`, `\z`, `é`, `\pL`,
		`[[:alpha:]]`, `[[:^alpha:]]`, `\d`, `x`, `(?i)A`, `\Q.*\E`, `😀`, `[a-c]`, `\x{e9}`, `[^\S\n]`}
	quants = []string{``, ``, ``, `*`, `+`, `?`, `*?`, `+?`, `??`, `{0}`, `{1,2}`, `{0,}`, `{2}`, `{,2}`, `{1,2}?`}
	opens  = []string{`(`, `(?:`, `(?P<n>`, `(?<m>`, `(?s:`, `(?U)(`, `(?i:`, `(?m:`, `(?P<n>`}
	broken = []string{`(`, `)`, `[`, `\`, `*`, `a**`, `\C`, `(?P<>a)`, `a{1001}`, "\n(", "`(", `[z-a]`, `(?<n`}
	inputs = []string{`a`, `b`, `a`, `ab`, ` `, "\n", `é`, `😀`, `x`, `A`, `1`, `.`}
	repls  = []string{`-`, `<$1>`, `${n}`, `$$`, `${m}x`, `$0`, `[$2]`, ``, `$1x`}
)

func gen(r *rand.Rand, depth int) string {
	s := ""
	for i, n := 0, 1+r.IntN(3); i < n; i++ {
		var atom string
		if depth < 3 && r.IntN(10) < 3 {
			inner := gen(r, depth+1)
			if r.IntN(3) == 0 {
				inner += "|" + gen(r, depth+1)
			}
			atom = opens[r.IntN(len(opens))] + inner + ")"
		} else {
			atom = atoms[r.IntN(len(atoms))]
		}
		s += atom + quants[r.IntN(len(quants))]
	}
	if r.IntN(20) == 0 {
		s += broken[r.IntN(len(broken))]
	}
	return s
}

type result struct {
	Match          bool                `json:"match"`
	Find           string              `json:"find"`
	FindAll        map[string][]string `json:"findAll"`
	Split          map[string][]string `json:"split"`
	Replace        string              `json:"replace"`
	ReplaceLiteral string              `json:"replaceLiteral"`
}

type goldenCase struct {
	Pattern   string  `json:"pattern"`
	Input     string  `json:"input"`
	Repl      string  `json:"repl"`
	Error     string  `json:"error,omitempty"`
	Want      *result `json:"want,omitempty"`
	QuoteMeta string  `json:"quoteMeta"`
}

func main() {
	count, seed := 600, uint64(1)
	if len(os.Args) > 1 {
		count, _ = strconv.Atoi(os.Args[1])
	}
	if len(os.Args) > 2 {
		seed, _ = strconv.ParseUint(os.Args[2], 10, 64)
	}
	r := rand.New(rand.NewPCG(seed, 0))
	out := make([]goldenCase, 0, count)
	for range count {
		c := goldenCase{Pattern: gen(r, 0), Repl: repls[r.IntN(len(repls))]}
		for k, n := 0, r.IntN(9); k < n; k++ {
			c.Input += inputs[r.IntN(len(inputs))]
		}
		c.QuoteMeta = regexp.QuoteMeta(c.Input + c.Pattern)
		re, err := regexp.Compile(c.Pattern)
		if err != nil {
			c.Error = err.Error()
			out = append(out, c)
			continue
		}
		w := &result{FindAll: map[string][]string{}, Split: map[string][]string{}}
		w.Match = re.MatchString(c.Input)
		w.Find = re.FindString(c.Input)
		for _, n := range []int{-1, 0, 1, 2, 3} {
			w.FindAll[fmt.Sprint(n)] = orEmpty(re.FindAllString(c.Input, n))
			w.Split[fmt.Sprint(n)] = orEmpty(re.Split(c.Input, n))
		}
		w.Replace = re.ReplaceAllString(c.Input, c.Repl)
		w.ReplaceLiteral = re.ReplaceAllLiteralString(c.Input, c.Repl)
		c.Want = w
		out = append(out, c)
	}
	// one case per line (small diffs when the corpus changes), `<` and `>` not escaped
	var buf bytes.Buffer
	buf.WriteString("[\n")
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i, c := range out {
		if err := enc.Encode(c); err != nil {
			panic(err)
		}
		if i < len(out)-1 {
			buf.Truncate(buf.Len() - 1)
			buf.WriteString(",\n")
		}
	}
	buf.WriteString("]\n")
	if err := os.WriteFile("../ops.golden.json", buf.Bytes(), 0o644); err != nil {
		panic(err)
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
