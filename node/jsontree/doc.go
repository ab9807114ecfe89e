// Package jsontree parses strict JSON, what JSON.parse accepts, into a
// read-only tree that keeps object members in source order.
package jsontree
