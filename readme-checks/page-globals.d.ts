/**
 * The part of MusicKit JS v3 the README snippets call in the page. The page
 * loads MusicKit JS from Apple's CDN as a global; no package declares it.
 */
declare namespace MusicKit {
  /** What `MusicKit.configure` takes. */
  interface Configuration {
    developerToken: string;
    app: { name: string; build?: string; icon?: string };
  }
  /** The configured instance. */
  interface Instance {
    authorize(): Promise<string>;
    readonly musicUserToken: string;
  }
  /** Configures MusicKit with a developer token and your app's name. */
  function configure(configuration: Configuration): Promise<Instance>;
}
