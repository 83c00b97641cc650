package db

// Waiting tells the external tests how many decisions wait in run id's
// queue, not yet taken by a leader (see run_batch.go).
func (s *RunStore) Waiting(id int64) int {
	s.queues.mu.Lock()
	defer s.queues.mu.Unlock()
	return len(s.queues.waiting[id])
}
