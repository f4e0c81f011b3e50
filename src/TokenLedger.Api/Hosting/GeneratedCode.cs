using JasperFx.CodeGeneration;

namespace TokenLedger.Api.Hosting;

/// <summary>
/// Where Wolverine's handler adapters come from (docs/operations.md, "Pre-generated handler code"). Release builds load
/// the ones committed under src/TokenLedger.Api/Internal/Generated, compiled into this assembly (TypeLoadMode.Static):
/// nothing is compiled with Roslyn at run time, so the first late-rating or webhook message after a start does not wait
/// for a compile, and handler discovery reads the generated registry instead of scanning the assemblies. Debug builds
/// generate them at run time (Dynamic), so a handler being edited runs before <c>ops/codegen</c> has been run. The
/// build configuration decides rather than the environment (CritterStackDefaults' way): the integration tests host the
/// service in-process, in their host's environment, and must run the same code as the service. <c>pre_generated_code</c>
/// fails when the committed files are stale.
/// </summary>
public static class GeneratedCode
{
#if DEBUG
    public const TypeLoadMode Mode = TypeLoadMode.Dynamic;
#else
    public const TypeLoadMode Mode = TypeLoadMode.Static;
#endif
}
