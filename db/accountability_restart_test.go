package db_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
)

// TestCheckinWhilePostgresRestarts: writes racing a restart either succeed
// or fail with EUNAVAILABLE (the member is told to try again), and every
// check-in that was accepted is still there afterwards.
func TestCheckinWhilePostgresRestarts(t *testing.T) {
	d, restart := dbtest.NewIsolated(t)
	setupChannel(t, d, "g1", "c1", accountability.Daily, "09:00", "UTC")
	st := db.NewCheckinStore(d)
	ctx := testContext(t)
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

	type result struct {
		key accountability.CheckinKey
		err error
	}
	results := make(chan result, 1<<16)
	stop, started := make(chan struct{}), make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			c, err := accountability.NewCheckin("g1", "c1", fmt.Sprintf("u%d", i), accountability.CheckinInput{Done: "x"}, at, time.UTC)
			if err == nil {
				_, err = st.Upsert(ctx, c)
			}
			select {
			case results <- result{c.Key(), err}:
			default: // full: enough evidence
			}
			if i == 10 {
				close(started)
			}
		}
	}()
	<-started
	restart()
	// Keep writing a moment after the restart, then stop.
	time.Sleep(100 * time.Millisecond)
	close(stop)
	<-done
	close(results)

	var accepted []accountability.CheckinKey
	unavailable := 0
	for r := range results {
		switch accountability.ErrorCode(r.err) {
		case "":
			accepted = append(accepted, r.key)
		case accountability.EUNAVAILABLE:
			unavailable++
			if msg := accountability.ErrorMessage(r.err); msg == "" {
				t.Errorf("EUNAVAILABLE without a message for the member: %v", r.err)
			}
		default:
			t.Fatalf("a write during the restart failed with %v, want EUNAVAILABLE", r.err)
		}
	}
	if unavailable == 0 {
		t.Fatal("no write saw the restart; want EUNAVAILABLE for writes while Postgres was down")
	}
	if len(accepted) < 10 {
		t.Fatalf("only %d writes accepted", len(accepted))
	}
	t.Logf("%d check-ins accepted, %d refused with EUNAVAILABLE", len(accepted), unavailable)
	for _, k := range accepted {
		if _, err := st.Get(ctx, k); err != nil {
			t.Fatalf("accepted check-in %+v lost after the restart: %v", k, err)
		}
	}
	// And the store works again.
	if _, err := st.Upsert(ctx, checkin(t, "c1", "after", accountability.CheckinInput{Done: "x"}, at, "UTC")); err != nil {
		t.Fatalf("write after the restart: %v", err)
	}
}
