<#
.SYNOPSIS
  Build yichuang on Windows: the PyInstaller folder dist\yichuang\, a smoke test, and (when Inno
  Setup is installed) the setup program dist\yichuang-<version>-setup.exe.

.DESCRIPTION
  The Windows counterpart of installer/build. Run it from any folder:

      powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1 [-Clean] [-NoSmoke] [-NoSetup]

  Needs: 64-bit CPython 3.11 or newer from python.org (the "py" launcher, or -Python C:\path\python.exe,
  or $env:YICHUANG_BUILD_PYTHON), internet access to PyPI (or a wheel mirror configured for pip), and
  for the setup program Inno Setup 6.3 or newer (ISCC.exe on the PATH or in its default folder).

  1. build\venv: a venv of its own with the project and the pinned PyInstaller.
  2. pyinstaller installer\yichuang.spec -> dist\yichuang\ (yichuang.exe and yichuangw.exe).
  3. Smoke test in a temporary folder with a PATH without Python: --version, init --demo,
     desk --screenshot (offscreen), with the database, keys and logs in that folder.
  4. ISCC.exe /DAppVersion=<version> installer\windows\yichuang.iss -> dist\yichuang-<version>-setup.exe

  This file is ASCII on purpose: Windows PowerShell 5.1 reads a file without BOM in the ANSI code page.
#>
[CmdletBinding()]
param(
    [switch]$Clean,
    [switch]$NoSmoke,
    [switch]$NoSetup,
    [string]$Python = $env:YICHUANG_BUILD_PYTHON
)

$ErrorActionPreference = "Stop"
$PyInstallerVersion = "6.22.3"      # keep in step with installer/build
$HooksContribVersion = "2026.9"

$Repo = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
$Venv = Join-Path $Repo "build\venv"
$VenvPython = Join-Path $Venv "Scripts\python.exe"
$Bundle = Join-Path $Repo "dist\yichuang"

function Say([string]$Text) { Write-Host ""; Write-Host "== $Text" }

# Native programs do not stop the script on failure by themselves: check each exit code.
function Invoke-Checked {
    param([string]$What, [string]$Program, [string[]]$Arguments)
    & $Program @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)" }
}

$VersionLine = Select-String -Path (Join-Path $Repo "app\__init__.py") -Pattern '^__version__ = "(.+)"'
if (-not $VersionLine) { throw "no __version__ in app\__init__.py" }
$Version = $VersionLine.Matches[0].Groups[1].Value

# ---------------------------------------------------------------- 1. the build venv
if (-not (Test-Path $VenvPython)) {
    Say "creating $Venv"
    if ($Python) {
        Invoke-Checked "python -m venv" $Python @("-m", "venv", $Venv)
    } elseif (Get-Command py -ErrorAction SilentlyContinue) {
        Invoke-Checked "py -3 -m venv" "py" @("-3", "-m", "venv", $Venv)
    } else {
        Invoke-Checked "python -m venv" "python" @("-m", "venv", $Venv)
    }
}
Invoke-Checked "the Python check" $VenvPython @("-c", "import sys, struct; sys.exit(0 if sys.version_info >= (3, 11) and struct.calcsize('P') == 8 else 'the build needs 64-bit Python 3.11 or newer')")
Say "installing the project and PyInstaller $PyInstallerVersion into build\venv"
Invoke-Checked "pip install" $VenvPython @("-m", "pip", "install", "--quiet",
    "pyinstaller==$PyInstallerVersion", "pyinstaller-hooks-contrib==$HooksContribVersion", $Repo)
Invoke-Checked "pip install (this checkout)" $VenvPython @("-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", $Repo)

# ---------------------------------------------------------------- 2. PyInstaller
Say "PyInstaller: installer\yichuang.spec -> dist\yichuang\"
$PyInstallerArgs = @("-m", "PyInstaller", "--noconfirm", "--log-level", "WARN")
if ($Clean) { $PyInstallerArgs += "--clean" }
$PyInstallerArgs += @("--distpath", (Join-Path $Repo "dist"), "--workpath", (Join-Path $Repo "build\pyinstaller"),
    (Join-Path $Repo "installer\yichuang.spec"))
$Started = Get-Date
Push-Location $Repo
try { Invoke-Checked "PyInstaller" $VenvPython $PyInstallerArgs } finally { Pop-Location }
$BuildSeconds = [int]((Get-Date) - $Started).TotalSeconds
foreach ($exe in @("yichuang.exe", "yichuangw.exe")) {
    if (-not (Test-Path (Join-Path $Bundle $exe))) { throw "PyInstaller made no $Bundle\$exe" }
}
Write-Host "built in $BuildSeconds s"

# ---------------------------------------------------------------- 3. smoke test
if (-not $NoSmoke) {
    $Smoke = Join-Path ([System.IO.Path]::GetTempPath()) ("yichuang-smoke-" + [guid]::NewGuid().ToString("N").Substring(0, 8))
    New-Item -ItemType Directory -Path $Smoke | Out-Null
    Say "smoke test in $Smoke (PATH without Python)"
    $Saved = @{}
    $SmokeEnv = @{
        PATH = "$env:SystemRoot\System32;$env:SystemRoot"
        QT_QPA_PLATFORM = "offscreen"
        YICHUANG_DB = (Join-Path $Smoke "smoke.db")
        YICHUANG_LOG_DIR = (Join-Path $Smoke "logs")
        YICHUANG_KEYS_DIR = (Join-Path $Smoke "keys")
        PYTHONPATH = $null; PYTHONHOME = $null; VIRTUAL_ENV = $null
    }
    foreach ($name in $SmokeEnv.Keys) {
        $Saved[$name] = [Environment]::GetEnvironmentVariable($name, "Process")
        [Environment]::SetEnvironmentVariable($name, $SmokeEnv[$name], "Process")
    }
    $Exe = Join-Path $Bundle "yichuang.exe"
    Push-Location $Smoke
    try {
        if (Get-Command python -ErrorAction SilentlyContinue) { throw "the smoke PATH reaches a Python" }
        $Printed = & $Exe --version
        if ($LASTEXITCODE -ne 0 -or $Printed -ne "yichuang $Version") { throw "--version printed '$Printed'" }
        Write-Host "  ok  --version"
        Invoke-Checked "init --demo" $Exe @("init", "--demo", "--residents", "300") | Out-Null
        Write-Host "  ok  init --demo --residents 300"
        Invoke-Checked "desk --screenshot" $Exe @("desk", "--screenshot", (Join-Path $Smoke "x.png"), "--user", "qiantai")
        if ((Get-Item (Join-Path $Smoke "x.png")).Length -lt 10000) { throw "x.png is too small to be the desk" }
        Write-Host "  ok  desk --screenshot x.png --user qiantai"
        Invoke-Checked "certificate batch" $Exe @("certificate", "batch", "--template", "GLJT", "--min-age", "60",
            "--out", (Join-Path $Smoke "batch.pdf"), "--user", "qiantai") | Out-Null
        Write-Host "  ok  certificate batch (spawned worker processes)"
        $TVersion = (Measure-Command { & $Exe --version | Out-Null }).TotalSeconds
        $TDesk = (Measure-Command { & $Exe desk --screenshot (Join-Path $Smoke "t.png") --user qiantai | Out-Null }).TotalSeconds
    } finally {
        Pop-Location
        foreach ($name in $Saved.Keys) { [Environment]::SetEnvironmentVariable($name, $Saved[$name], "Process") }
    }
    $Bytes = (Get-ChildItem -Recurse -File $Bundle | Measure-Object -Property Length -Sum).Sum
    Write-Host ("bundle {0}: {1:N0} MB; --version {2:N2} s, desk screenshot {3:N2} s (files in {4})" -f `
        $Bundle, ($Bytes / 1MB), $TVersion, $TDesk, $Smoke)
}

# ---------------------------------------------------------------- 4. Inno Setup
if (-not $NoSetup) {
    $Iscc = (Get-Command iscc -ErrorAction SilentlyContinue).Source
    if (-not $Iscc) {
        $Iscc = @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
                  "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe") | Where-Object { Test-Path $_ } | Select-Object -First 1
    }
    if ($Iscc) {
        Say "Inno Setup: installer\windows\yichuang.iss -> dist\yichuang-$Version-setup.exe"
        Invoke-Checked "ISCC" $Iscc @("/Q", "/DAppVersion=$Version", (Join-Path $Repo "installer\windows\yichuang.iss"))
        Write-Host "setup program: $(Join-Path $Repo "dist\yichuang-$Version-setup.exe")"
    } else {
        Write-Warning "Inno Setup 6 (ISCC.exe) not found: dist\yichuang\ is built, the setup program is not. Install Inno Setup 6.3+ and run: iscc /DAppVersion=$Version installer\windows\yichuang.iss"
    }
}
