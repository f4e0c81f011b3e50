using Microsoft.AspNetCore.Diagnostics;
using TokenLedger.Infrastructure;

namespace TokenLedger.Api.Hosting;

/// <summary>
/// A body that cannot be bound (malformed JSON, a number where a decimal string is expected, …) gets a 400
/// ProblemDetails that says where, instead of an empty 400. An instant not in RFC 3339 names its field and the accepted forms.
/// </summary>
public sealed class BadRequestProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad) return false;
        context.Response.StatusCode = bad.StatusCode;
        var details = new HttpValidationProblemDetails { Status = bad.StatusCode, Title = "The request is invalid", Detail = (bad.InnerException ?? bad).Message };
        if (bad.InnerException is Rfc3339JsonException instant)
        {
            var field = Rfc3339JsonException.Field(instant.Path);
            details.Detail = Rfc3339.Rule(field);
            details.Errors[field] = [details.Detail];
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, Exception = exception, ProblemDetails = details });
    }
}
