// sigv4ref signs one request with the AWS SDK for Go v2 signer: the reference for fluxts' SigV4 implementation.
// Input (stdin, JSON): method, url, headers, body, service, region, credentials, unix time, optional payload hash.
// Output: the headers. Service s3 signs as the SDK's S3 client does (path as sent, x-amz-content-sha256 header).
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

type input struct {
	Method          string            `json:"method"`
	URL             string            `json:"url"`
	Headers         map[string]string `json:"headers"`
	Body            string            `json:"body"`
	Service         string            `json:"service"`
	Region          string            `json:"region"`
	AccessKeyID     string            `json:"accessKeyId"`
	SecretAccessKey string            `json:"secretAccessKey"`
	SessionToken    string            `json:"sessionToken"`
	Unix            int64             `json:"unix"`
	PayloadHash     string            `json:"payloadHash"`
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	req, err := http.NewRequest(in.Method, in.URL, strings.NewReader(in.Body))
	if err != nil {
		panic(err)
	}
	for k, v := range in.Headers {
		req.Header.Set(k, v)
	}
	sum := sha256.Sum256([]byte(in.Body))
	payloadHash := hex.EncodeToString(sum[:])
	if in.PayloadHash != "" {
		payloadHash = in.PayloadHash
	}
	s3 := in.Service == "s3"
	if s3 {
		// What the SDK's S3 client does: the content hash travels as a header, the path is signed as sent.
		req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	}
	creds := aws.Credentials{AccessKeyID: in.AccessKeyID, SecretAccessKey: in.SecretAccessKey, SessionToken: in.SessionToken}
	signer := v4.NewSigner(func(o *v4.SignerOptions) {
		o.DisableHeaderHoisting = true
		o.DisableURIPathEscaping = s3
	})
	if err := signer.SignHTTP(context.Background(), creds, req, payloadHash, in.Service, in.Region, time.Unix(in.Unix, 0).UTC()); err != nil {
		panic(err)
	}
	out := map[string]string{}
	for k := range req.Header {
		out[strings.ToLower(k)] = req.Header.Get(k)
	}
	_ = json.NewEncoder(os.Stdout).Encode(out)
}
