export async function main(argv: string[]): Promise<number> { console.log("ok", argv.length); return 0; }
