using FluentValidation.Results;
using Microsoft.AspNetCore.Http;

namespace TokenLedger.Infrastructure;

public static class Problems
{
    public static IResult Validation(ValidationResult result) => Results.ValidationProblem(
        result.Errors.GroupBy(e => e.PropertyName).ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).ToArray()),
        title: "The request is invalid");

    public static IResult BadRequest(string field, string message) => Results.ValidationProblem(
        new Dictionary<string, string[]> { [field] = [message] }, title: "The request is invalid");

    public static IResult NotFound(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult Conflict(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static IResult Unprocessable(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Unprocessable");
}
