using Microsoft.AspNetCore.Http;

namespace TextTagger.Server;

/// <summary>RFC 7807 problem details (application/problem+json) for every client error.</summary>
static class Problems
{
    public static IResult Create(int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail,
                        type: $"https://www.rfc-editor.org/rfc/rfc9110#status.{status}");
}
