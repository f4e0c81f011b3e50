using Microsoft.AspNetCore.Diagnostics;

namespace TokenLedger.Api.Hosting;

/// <summary>
/// A body that cannot be bound (malformed JSON, a number where a decimal string is expected, …) gets a 400
/// ProblemDetails that says where, instead of an empty 400.
/// </summary>
public sealed class BadRequestProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad) return false;
        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = bad.StatusCode, Title = "The request is invalid", Detail = (bad.InnerException ?? bad).Message },
        });
    }
}
