// bucket-reference fetches a bucket the way source-controller's generic provider does, with the library it uses
// (minio-go v7): BucketExists, the root .sourceignore object, ListObjects (recursive), FGetObject for every key
// with at most 100 downloads in flight, and the revision as source-controller's index digest (sha256 over sorted
// "<key> <etag>\n" lines). One JSON request per line on stdin, one JSON answer per line on stdout.
package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

type request struct {
	Endpoint  string `json:"endpoint"`
	Bucket    string `json:"bucket"`
	AccessKey string `json:"accessKey"`
	SecretKey string `json:"secretKey"`
	Region    string `json:"region"`
	Dir       string `json:"dir"`
}

type answer struct {
	Revision string            `json:"revision,omitempty"`
	Index    map[string]string `json:"index,omitempty"`
	Millis   float64           `json:"millis"`
	Error    string            `json:"error,omitempty"`
}

func fetch(req request) (map[string]string, error) {
	ctx := context.Background()
	client, err := minio.New(req.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(req.AccessKey, req.SecretKey, ""),
		Secure: false,
		Region: req.Region,
	})
	if err != nil {
		return nil, err
	}
	exists, err := client.BucketExists(ctx, req.Bucket)
	if err != nil {
		return nil, err
	}
	if !exists {
		return nil, fmt.Errorf("bucket '%s' not found", req.Bucket)
	}
	index := map[string]string{}
	for obj := range client.ListObjects(ctx, req.Bucket, minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err != nil {
			return nil, obj.Err
		}
		if strings.HasSuffix(obj.Key, "/") || obj.Key == ".sourceignore" {
			continue
		}
		index[obj.Key] = obj.ETag
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 100)
	var firstErr error
	for key := range index {
		wg.Add(1)
		sem <- struct{}{}
		go func(k string) {
			defer wg.Done()
			defer func() { <-sem }()
			stat, err := client.StatObject(ctx, req.Bucket, k, minio.GetObjectOptions{})
			if err == nil {
				opts := minio.GetObjectOptions{}
				_ = opts.SetMatchETag(stat.ETag)
				err = client.FGetObject(ctx, req.Bucket, k, filepath.Join(req.Dir, k), opts)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			} else if err == nil {
				index[k] = stat.ETag
			}
		}(key)
	}
	wg.Wait()
	return index, firstErr
}

func digest(index map[string]string) string {
	keys := make([]string, 0, len(index))
	for k := range index {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		fmt.Fprintf(h, "%s %s\n", k, index[k])
	}
	return fmt.Sprintf("sha256:%x", h.Sum(nil))
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var req request
		var ans answer
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			ans.Error = err.Error()
		} else {
			start := time.Now()
			index, err := fetch(req)
			ans.Millis = float64(time.Since(start).Microseconds()) / 1000
			if err != nil {
				ans.Error = err.Error()
			} else {
				ans.Index = index
				ans.Revision = digest(index)
			}
		}
		_ = out.Encode(ans)
	}
}
