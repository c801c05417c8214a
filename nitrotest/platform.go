package nitrotest

import (
	"context"
	"encoding/json"

	"github.com/nitrokit/nitro/nitrotest/internal/api"
)

// The Platform operations are declared with an empty 200 and nothing else;
// the fake answers exactly that.

// ForwardConversionsRequest answers 200.
func (s handlers) ForwardConversionsRequest(context.Context, api.ForwardConversionsRequestRequestObject) (api.ForwardConversionsRequestResponseObject, error) {
	return api.ForwardConversionsRequest200Response{}, nil
}

// ForwardExtractionsRequest answers 200.
func (s handlers) ForwardExtractionsRequest(context.Context, api.ForwardExtractionsRequestRequestObject) (api.ForwardExtractionsRequestResponseObject, error) {
	return api.ForwardExtractionsRequest200Response{}, nil
}

// ForwardGenerationsRequest answers 200.
func (s handlers) ForwardGenerationsRequest(context.Context, api.ForwardGenerationsRequestRequestObject) (api.ForwardGenerationsRequestResponseObject, error) {
	return api.ForwardGenerationsRequest200Response{}, nil
}

// ForwardTransformationsRequest answers 200.
func (s handlers) ForwardTransformationsRequest(context.Context, api.ForwardTransformationsRequestRequestObject) (api.ForwardTransformationsRequestResponseObject, error) {
	return api.ForwardTransformationsRequest200Response{}, nil
}

// GetJobResult answers 200.
func (s handlers) GetJobResult(context.Context, api.GetJobResultRequestObject) (api.GetJobResultResponseObject, error) {
	return api.GetJobResult200Response{}, nil
}

// GetJobStatus1 answers 200.
func (s handlers) GetJobStatus1(context.Context, api.GetJobStatus1RequestObject) (api.GetJobStatus1ResponseObject, error) {
	return api.GetJobStatus1200Response{}, nil
}

// GetTokenRfc6749 is Nitro's JSON token flow through the generated types.
// Requests to the token URL are served before routing (both flows share it,
// chosen by Content-Type), so this is reached only by direct calls.
func (s handlers) GetTokenRfc6749(_ context.Context, req api.GetTokenRfc6749RequestObject) (api.GetTokenRfc6749ResponseObject, error) {
	if req.Body == nil || !s.validClient(req.Body.ClientID, req.Body.ClientSecret) {
		code, desc := "invalid_client", "Client authentication failed"
		return api.GetTokenRfc6749401JSONResponse{Error: &code, ErrorDescription: &desc}, nil
	}
	tok, ttl := s.issue(req.Body.ClientID, s.cfg.scopes)
	typ := "Bearer"
	var out api.GetTokenRfc6749200JSONResponse
	_ = json.Unmarshal(mustJSON(api.AuthTokenResponse{AccessToken: &tok, TokenType: &typ, ExpiresIn: &ttl}), &out)
	return out, nil
}
