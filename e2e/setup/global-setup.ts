// Placeholder until the test world lands: starts nothing.
export default async function globalSetup(): Promise<void> {}
