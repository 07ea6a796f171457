; Inno Setup script of yichuang (党群服务中心一窗受理系统): one setup .exe for Windows 10/11 x64.
;
; How to build (on a Windows PC, with Python 3.11+ and Inno Setup 6.3 or newer):
;   powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
; which does, from the checkout's root folder:
;   1. a build venv (build\venv) with the project and the pinned PyInstaller, then
;      build\venv\Scripts\pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller installer\yichuang.spec
;      -> dist\yichuang\ (yichuang.exe: command line and desk; yichuangw.exe: the same without a console)
;   2. iscc /DAppVersion=<version> installer\windows\yichuang.iss
;      -> dist\yichuang-<version>-setup.exe
; PyInstaller does not cross-compile: the folder must be built on Windows (x64), not on Linux.
;
; What the installer does:
; - The program goes to {autopf}\yichuang (C:\Program Files\yichuang when installed for all users;
;   %LOCALAPPDATA%\Programs\yichuang when a non-administrator installs it for himself).
; - Start-menu shortcuts 前台受理 (yichuangw.exe desk) and 自助终端 (yichuangw.exe kiosk).
; - Data is never in {app}: the program keeps its database (yichuang.db), certificate keys (keys\)
;   and logs (Logs\) in the user's application data folder, %LOCALAPPDATA%\yichuang
;   (platformdirs.user_data_dir("yichuang", appauthor=False)), or where YICHUANG_DB points (see
;   docs\INSTALL.md: a shared database under C:\ProgramData\yichuang\ for a desk and a kiosk on one
;   PC); per-machine settings (card reader) are in the registry, HKCU\Software\yichuang\yichuang.
;   Upgrading and uninstalling leave all of that alone, unless the person answers "yes" to the
;   uninstaller's question "also delete the data" (see [Code] below; silent uninstalls keep the
;   data unless /DELETEDATA is given).
; - Upgrades: AppId below never changes, so a newer setup installs over the older one in the same
;   folder (the old program files in {app}\_internal are removed first, the data is not touched).
;   The first start of the new version migrates the database itself: app\db.py runs the Alembic
;   migrations when it opens an older database and keeps a copy yichuang.db.before-<revision>-<time>
;   beside it. The installer therefore runs nothing against the database.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "yichuang 党群服务中心一窗受理系统"
#define GroupName "党群服务中心一窗受理"
#define BundleDir "..\..\dist\yichuang"

[Setup]
; Never change AppId: it is how an upgrade finds the installed version.
AppId={{434DBCC2-5971-40A1-BDCB-B900E2BECDBF}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=yichuang
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\yichuang
DefaultGroupName={#GroupName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=yichuang-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; A running desk or kiosk holds its files: ask to close it (Restart Manager) before replacing them.
CloseApplications=yes
RestartApplications=no
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\yichuang.exe
; No SetupIconFile: resources\ has no .ico yet (the PyInstaller default icon is used).

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif

[CustomMessages]
english.DeskShortcut=Front desk
english.KioskShortcut=Self-service kiosk
english.DesktopIcons=Desktop shortcut for the front desk
english.StartDesk=Start the front desk
english.DeleteDataQuestion=Also delete the data of yichuang on this PC?
english.DeleteDataWhat=This deletes the database (residents, cases, certificates), the certificate signing keys, the logs and the card reader settings. It cannot be undone: make a backup first (yichuang backup --out FILE).
english.DeleteDataKeep=Choose No to keep the data: a later installation uses it again.
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
chinesesimplified.DeskShortcut=前台受理
chinesesimplified.KioskShortcut=自助终端
chinesesimplified.DesktopIcons=在桌面创建“前台受理”快捷方式
chinesesimplified.StartDesk=启动前台受理
chinesesimplified.DeleteDataQuestion=是否同时删除本机上的一窗受理系统数据？
chinesesimplified.DeleteDataWhat=将删除数据库（居民、办件、证明）、证明签名密钥、日志和读卡器设置，且无法恢复：请先备份（yichuang backup --out 文件）。
chinesesimplified.DeleteDataKeep=选择“否”保留数据，以后重新安装时继续使用。
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole program folder: no library of an older version may linger.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; The names are fixed Chinese names (the people using them read Chinese whatever the setup language).
Name: "{group}\前台受理"; Filename: "{app}\yichuangw.exe"; Parameters: "desk"; WorkingDir: "{app}"; Comment: "党群服务中心一窗受理"
Name: "{group}\自助终端"; Filename: "{app}\yichuangw.exe"; Parameters: "kiosk"; WorkingDir: "{app}"; Comment: "居民自助服务终端（全屏）"
Name: "{autodesktop}\前台受理"; Filename: "{app}\yichuangw.exe"; Parameters: "desk"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\yichuangw.exe"; Parameters: "desk"; Description: "{cm:StartDesk}"; Flags: nowait postinstall skipifsilent unchecked

[UninstallDelete]
Type: dirifempty; Name: "{app}"

[Code]
{ The data folders of the person uninstalling: the user data folder the program uses
  (%LOCALAPPDATA%\yichuang: database, keys, logs) and, if an administrator made one as
  docs\INSTALL.md describes, the shared C:\ProgramData\yichuang. Other Windows users' folders (for
  example the kiosk's own local account) are theirs: delete them by hand if wanted. }
function DataFolders: TArrayOfString;
var
  Count: Integer;
begin
  Count := 0;
  SetArrayLength(Result, 2);
  if DirExists(ExpandConstant('{localappdata}\yichuang')) then
  begin
    Result[Count] := ExpandConstant('{localappdata}\yichuang');
    Count := Count + 1;
  end;
  if DirExists(ExpandConstant('{commonappdata}\yichuang')) then
  begin
    Result[Count] := ExpandConstant('{commonappdata}\yichuang');
    Count := Count + 1;
  end;
  SetArrayLength(Result, Count);
end;

function HasParam(const Name: String): Boolean;
var
  I: Integer;
begin
  Result := False;
  for I := 1 to ParamCount do
    if CompareText(ParamStr(I), Name) = 0 then
      Result := True;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Folders: TArrayOfString;
  Question: String;
  I: Integer;
  DeleteData: Boolean;
begin
  if CurUninstallStep <> usPostUninstall then
    exit;
  Folders := DataFolders;
  if (GetArrayLength(Folders) = 0) and not RegKeyExists(HKEY_CURRENT_USER, 'Software\yichuang') then
    exit;  { nothing to ask about }
  Question := CustomMessage('DeleteDataQuestion') + #13#10#13#10;
  for I := 0 to GetArrayLength(Folders) - 1 do
    Question := Question + Folders[I] + #13#10;
  Question := Question + 'HKEY_CURRENT_USER\Software\yichuang' + #13#10#13#10
    + CustomMessage('DeleteDataWhat') + #13#10#13#10 + CustomMessage('DeleteDataKeep');
  if UninstallSilent then
    { Silent uninstalls (software distribution) keep the data unless /DELETEDATA is given. }
    DeleteData := HasParam('/DELETEDATA')
  else
    { "No" is the default button: pressing Enter keeps the data. }
    DeleteData := MsgBox(Question, mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
  if not DeleteData then
    exit;
  for I := 0 to GetArrayLength(Folders) - 1 do
    DelTree(Folders[I], True, True, True);
  RegDeleteKeyIncludingSubkeys(HKEY_CURRENT_USER, 'Software\yichuang');
end;
