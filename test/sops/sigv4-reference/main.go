// sigv4ref signs one request with the AWS SDK for Go v2 signer: the reference for fluxts' SigV4 implementation.
// Input (stdin, JSON): method, url, headers, body, service, region, credentials, unix time. Output: the headers.
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
	creds := aws.Credentials{AccessKeyID: in.AccessKeyID, SecretAccessKey: in.SecretAccessKey, SessionToken: in.SessionToken}
	if err := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableHeaderHoisting = true }).SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), in.Service, in.Region, time.Unix(in.Unix, 0).UTC()); err != nil {
		panic(err)
	}
	out := map[string]string{}
	for k := range req.Header {
		out[strings.ToLower(k)] = req.Header.Get(k)
	}
	_ = json.NewEncoder(os.Stdout).Encode(out)
}
