//go:build !linux

package pgcluster

// fastInitdbSync is false where syncfs(2) does not exist: initdb syncs its
// files itself.
const fastInitdbSync = false

func syncFS(string) error { return nil }
