package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// builtBinary is the noderun command built once for the tests that need a
// real process: signals, the standard logger, build information.
var builtBinary struct {
	once sync.Once
	path string
	err  error
	dir  string
}

// binary returns the path of noderun built from this package.
func binary(t testing.TB) string {
	t.Helper()
	builtBinary.once.Do(func() {
		dir, err := os.MkdirTemp("", "noderun-bin-")
		if err != nil {
			builtBinary.err = err
			return
		}
		builtBinary.dir = dir
		builtBinary.path = filepath.Join(dir, "noderun")
		cmd := exec.Command("go", "build", "-o", builtBinary.path, ".")
		if out, err := cmd.CombinedOutput(); err != nil {
			builtBinary.err = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	require.NoError(t, builtBinary.err)
	return builtBinary.path
}

// removeBinary deletes the built binary; TestMain calls it.
func removeBinary() {
	if builtBinary.dir != "" {
		_ = os.RemoveAll(builtBinary.dir)
	}
}

// runBinary runs the built command with stdin and extra environment
// variables and returns what it wrote. The process is killed after a
// minute.
func runBinary(t testing.TB, stdin io.Reader, env []string, args ...string) outcome {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	if stdin == nil {
		stdin = bytes.NewReader(nil)
	}
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return outcome{code: code, stdout: stdout.String(), stderr: stderr.String()}
}
