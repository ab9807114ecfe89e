package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestREADMEGoBlocks compiles every ```go block of README.md as the
// program it must be: complete, package main, so a reader can paste it.
// Each block is laid over a directory of this module that does not exist
// (go build -overlay), so its imports resolve against this checkout and
// nothing is written into the tree.
func TestREADMEGoBlocks(t *testing.T) {
	readme, err := os.ReadFile(repo(t, "README.md"))
	require.NoError(t, err)
	blocks := readmeBlocks(t, string(readme), "go")
	require.NotEmpty(t, blocks, "README.md has no Go block")

	root := repo(t, ".")
	tmp := t.TempDir()
	overlay := map[string]map[string]string{"Replace": {}}
	var pkgs []string
	for i, block := range blocks {
		require.True(t, strings.HasPrefix(block, "package main\n"),
			"README.md Go block %d must be a complete program starting with \"package main\":\n%s", i+1, block)
		src := filepath.Join(tmp, fmt.Sprintf("block%d.go", i+1))
		require.NoError(t, os.WriteFile(src, []byte(block), 0o600))
		dir := filepath.Join(root, "cmd", fmt.Sprintf("readme-go-block-%d-%d", os.Getpid(), i+1))
		overlay["Replace"][filepath.Join(dir, "main.go")] = src
		pkgs = append(pkgs, dir)
	}
	ov, err := json.Marshal(overlay)
	require.NoError(t, err)
	ovPath := filepath.Join(tmp, "overlay.json")
	require.NoError(t, os.WriteFile(ovPath, ov, 0o600))

	// (go vet cannot take an overlaid directory: it changes into it.)
	cmd := exec.Command("go", append([]string{"build", "-overlay", ovPath, "-o", tmp}, pkgs...)...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build of the README's Go blocks:\n%s", out)
}
