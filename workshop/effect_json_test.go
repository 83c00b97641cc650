package workshop

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

// TestEffectsSurviveJSON stores every effect a full run decides and reads
// it back unchanged.
func TestEffectsSurviveJSON(t *testing.T) {
	s := beginDesignThinking(t, "a", "b", "c", "d", "e")
	s.must(s.e.Pause(s.r, at(6)))
	s.must(s.e.Resume(s.r, at(7)))
	s.must(s.e.AskHelp(s.r, "a", at(8)))
	s.runUntil(at(200))
	all := append([]Effect{}, s.log...)
	all = append(all, ScheduleTimer{Timer{RunID: 42, Kind: TimerWarn, Step: 1, Warn: time.Minute, Due: at(3)}},
		CancelTimers{RunID: 42, Prefix: "run:42:", Seq: 9}, UpdateLobby{RunID: 42, Participants: 3, State: RunStep})
	types := map[string]bool{}
	for _, e := range all {
		types[EffectType(e)] = true
	}
	if len(types) < 15 {
		t.Errorf("the run produced only %d effect types: %v", len(types), types)
	}
	data, err := MarshalEffects(all)
	if err != nil {
		t.Fatal(err)
	}
	back, err := UnmarshalEffects(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(all) {
		t.Fatalf("read back %d effects, want %d", len(back), len(all))
	}
	for i := range all {
		if reflect.TypeOf(back[i]) != reflect.TypeOf(all[i]) || back[i].Key() != all[i].Key() || fmt.Sprint(back[i]) != fmt.Sprint(all[i]) {
			t.Errorf("effect %d: read back %#v, stored %#v", i, back[i], all[i])
		}
	}
	for _, bad := range []string{`{`, `[{"type":"Nope","key":"k","effect":{}}]`, `[{"type":"PostPrompt","key":"k","effect":[]}]`} {
		if _, err := UnmarshalEffects([]byte(bad)); ErrorCode(err) != EINVALID {
			t.Errorf("UnmarshalEffects(%s) = %v, want EINVALID", bad, err)
		}
	}
}

func TestEveryEffectTypeDecodes(t *testing.T) {
	for _, e := range []Effect{PostLobby{}, UpdateLobby{}, CreateScheduledEvent{}, SetScheduledEventStatus{}, ScheduleTimer{},
		CancelTimers{}, CreateRooms{}, AddToGroup{}, RemoveFromGroup{}, MoveMembers{}, Recall{}, PostIntro{}, PostPrompt{},
		PostRoleSwap{}, PostWarning{}, PostNotice{}, PostGallery{}, PostRoomChoice{}, PingHosts{}, Acknowledge{},
		PostSummary{}, DeleteRooms{}} {
		if decoderFor(EffectType(e)) == nil {
			t.Errorf("no decoder for %s", EffectType(e))
		}
	}
}
