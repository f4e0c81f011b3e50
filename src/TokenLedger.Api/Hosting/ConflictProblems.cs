using Microsoft.AspNetCore.Diagnostics;
using TokenLedger.Infrastructure;

namespace TokenLedger.Api.Hosting;

/// <summary>
/// A write that kept losing the race for its stream's version (after <see cref="LedgerWrites"/> decided it again on
/// the fresh state, or where deciding again is not safe) answers 409 ProblemDetails: nothing was recorded, retry.
/// </summary>
public sealed class ConflictProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (!StreamConflicts.Is(exception)) return false;
        context.Response.StatusCode = StatusCodes.Status409Conflict;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status409Conflict, Title = "Conflict",
                Detail = "another write to the same record was committed first; nothing was recorded: send the request again",
            },
        });
    }
}
