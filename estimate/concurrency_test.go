package estimate

import (
	"fmt"
	"sync"
	"testing"
)

// TestConcurrentUse: one catalog, its curves and pools serve many
// goroutines at once and give each the answer it gets alone. Run with
// -race (as CI does) to catch any write to shared state.
func TestConcurrentUse(t *testing.T) {
	cat := Default()
	type question struct {
		patch, platform string
		s               Scenario
	}
	var qs []question
	for _, p := range published {
		for _, h := range []int{1, 50, 777, 1200, 99999} {
			qs = append(qs, question{p.kb, p.platform, Scenario{Hosts: h, Scaling: Scaling{Consoles: 1 + h%4}}})
		}
	}
	answer := func(q question) string {
		cs, err := cat.Curves(q.patch, q.platform)
		if err != nil {
			return err.Error()
		}
		e, err := cs[0].Estimate(q.s)
		if err != nil {
			return err.Error()
		}
		pool, err := cat.Pool(cs[0].Series().Console)
		if err != nil {
			return err.Error()
		}
		c, _ := pool.WithSetup(mins(12))
		g, _ := c.Estimate(q.s)
		f := cs[0].Fit()
		return fmt.Sprint(e, g, f.Residuals, cs[0].Level())
	}
	want := make([]string, len(qs))
	for i, q := range qs {
		want[i] = answer(q)
	}
	obs := siteObservations([]int{1, 2, 4}, true)
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := 0; g < 64; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for k := 0; k < 200; k++ {
				i := (g*31 + k*7) % len(qs)
				if got := answer(qs[i]); got != want[i] {
					errs <- fmt.Sprintf("goroutine %d: %v gave %s, alone %s", g, qs[i], got, want[i])
					return
				}
				switch k % 50 {
				case 0: // build on the shared catalog without changing it
					more, err := cat.With(obs[:1])
					if err != nil || len(more.Observations()) != 41 || len(cat.Observations()) != 40 {
						errs <- fmt.Sprintf("With: %v", err)
						return
					}
				case 1:
					if _, err := cat.Calibrate(obs); err != nil {
						errs <- err.Error()
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
