package accountability

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// recordingNotifier is an in-memory Discord: it keeps what was posted,
// edited and sent, and can be told that a message was deleted, that a
// member's DMs are closed, or that posting fails.
type recordingNotifier struct {
	mu        sync.Mutex
	nextID    int
	failPosts error // returned by every post while set
	dmClosed  map[string]bool
	messages  map[string]CheckinPost // message ID -> what it shows now
	edits     int
	prompts   []PromptPost
	reminders []ReminderNotice
	via       []ReminderDelivery
	digests   []DigestPost
	questions map[string]SupportQuestion // thread ID -> question
	inThread  map[string][]string
	nudges    []Thread
	thanks    []Thread
}

func newRecordingNotifier() *recordingNotifier {
	return &recordingNotifier{
		dmClosed: map[string]bool{}, messages: map[string]CheckinPost{},
		questions: map[string]SupportQuestion{}, inThread: map[string][]string{},
	}
}

func (n *recordingNotifier) id() string { n.nextID++; return fmt.Sprintf("m%d", n.nextID) }

func (n *recordingNotifier) PostPrompt(_ context.Context, p PromptPost) (string, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.failPosts != nil {
		return "", n.failPosts
	}
	n.prompts = append(n.prompts, p)
	return n.id(), nil
}

func (n *recordingNotifier) PostCheckin(_ context.Context, p CheckinPost) (string, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.failPosts != nil {
		return "", n.failPosts
	}
	id := n.id()
	n.messages[id] = p
	return id, nil
}

func (n *recordingNotifier) EditCheckin(_ context.Context, messageID string, p CheckinPost) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.failPosts != nil {
		return n.failPosts
	}
	if _, ok := n.messages[messageID]; !ok {
		return Errorf(ENOTFOUND, "Unknown message.")
	}
	n.messages[messageID] = p
	n.edits++
	return nil
}

func (n *recordingNotifier) deleteMessage(id string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.messages, id)
}

func (n *recordingNotifier) SendReminder(_ context.Context, r ReminderNotice) (ReminderDelivery, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.failPosts != nil {
		return "", n.failPosts
	}
	via := DeliveredByDM
	if n.dmClosed[r.UserID] {
		via = DeliveredByMention
	}
	n.reminders = append(n.reminders, r)
	n.via = append(n.via, via)
	return via, nil
}

func (n *recordingNotifier) PostDigest(_ context.Context, p DigestPost) (string, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.failPosts != nil {
		return "", n.failPosts
	}
	n.digests = append(n.digests, p)
	return n.id(), nil
}

func (n *recordingNotifier) OpenSupportThread(_ context.Context, q SupportQuestion) (string, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.failPosts != nil {
		return "", n.failPosts
	}
	id := "t" + n.id()
	n.questions[id] = q
	return id, nil
}

func (n *recordingNotifier) PostInThread(_ context.Context, threadID, text string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.inThread[threadID] = append(n.inThread[threadID], text)
	return nil
}

func (n *recordingNotifier) Nudge(_ context.Context, t Thread) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.nudges = append(n.nudges, t)
	return nil
}

func (n *recordingNotifier) Thank(_ context.Context, t Thread) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.thanks = append(n.thanks, t)
	return nil
}

// clock is a settable test clock shared by the Service and its store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t.UTC()
}

// harness is a Service on a MemoryStore and a recordingNotifier.
type harness struct {
	svc   *Service
	store *MemoryStore
	note  *recordingNotifier
	clock *clock
}

func newHarness(t testing.TB, start time.Time) *harness {
	t.Helper()
	c := &clock{t: start.UTC()}
	store := NewMemoryStore(c.Now)
	note := newRecordingNotifier()
	svc := &Service{Notifier: note, Now: c.Now, DigestChart: func(dg Digest) ([]byte, error) {
		return fmt.Appendf(nil, "PNG %s %v", dg.Week, dg.ParticipationByDay), nil
	}}
	store.Wire(svc)
	return &harness{svc: svc, store: store, note: note, clock: c}
}

// twin is a second Service (another bot process) on the same store and
// Discord.
func (h *harness) twin() *Service {
	s := &Service{Notifier: h.note, Now: h.clock.Now, DigestChart: h.svc.DigestChart}
	h.store.Wire(s)
	return s
}

var admin = Actor{ID: "admin", Moderator: true}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	z, err := LoadZone(name)
	if err != nil {
		t.Fatal(err)
	}
	return z
}

func at(t *testing.T, zone, wall string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", wall, mustZone(t, zone))
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}
